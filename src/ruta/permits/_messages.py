"""Human reasons and labels for verification results, in es, pt, en and fr.

Reason codes are the stable contract (JSON, exit codes, tests); these sentences are for
the person at the bank counter, so they say what happened and what to do.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml

__all__ = ["LANGUAGES", "Language", "field_label", "reason_text", "right_label", "status_label"]

Language = Literal["es", "pt", "en", "fr"]
LANGUAGES: tuple[Language, ...] = ("es", "pt", "en", "fr")

_REASONS: dict[str, tuple[str, str, str, str]] = {  # es, pt, en, fr
    "ok": ("Permiso válido.", "Autorização válida.", "Valid permit.", "Titre valide."),
    "ok_status_not_checked": (
        "Firma y fechas válidas; no se comprobó la revocación (falta la lista de estado).",
        "Assinatura e datas válidas; a revogação não foi verificada (falta a lista de status).",
        "Signature and dates are valid; revocation was not checked (no status list).",
        "Signature et dates valides ; la révocation n'a pas été vérifiée (pas de liste de "
        "statut)."),
    "empty": ("No se recibió ningún código.", "Nenhum código foi recebido.",
              "No code was given.", "Aucun code n'a été fourni."),
    "oversized": ("El texto es demasiado largo para ser un permiso (más de 8 KB).",
                  "O texto é longo demais para ser uma autorização (mais de 8 KB).",
                  "The text is too long to be a permit (over 8 KB).",
                  "Le texte est trop long pour être un titre (plus de 8 Ko)."),
    "bad_prefix": ("No es un permiso Ruta: el texto debe empezar por RUTA1:.",
                   "Não é uma autorização Ruta: o texto deve começar com RUTA1:.",
                   "Not a Ruta permit: the text must start with RUTA1:.",
                   "Ce n'est pas un titre Ruta : le texte doit commencer par RUTA1:."),
    "bad_base45": ("El código está dañado o incompleto (caracteres no válidos).",
                   "O código está danificado ou incompleto (caracteres inválidos).",
                   "The code is damaged or incomplete (invalid characters).",
                   "Le code est endommagé ou incomplet (caractères invalides)."),
    "bad_compression": ("El código está dañado o incompleto.",
                        "O código está danificado ou incompleto.",
                        "The code is damaged or incomplete.",
                        "Le code est endommagé ou incomplet."),
    "bad_cbor": ("El contenido del código está dañado.", "O conteúdo do código está danificado.",
                 "The content of the code is damaged.", "Le contenu du code est endommagé."),
    "bad_cose": ("El código no tiene la estructura de un permiso firmado.",
                 "O código não tem a estrutura de uma autorização assinada.",
                 "The code does not have the structure of a signed permit.",
                 "Le code n'a pas la structure d'un titre signé."),
    "bad_algorithm": ("El permiso usa un algoritmo de firma no admitido.",
                      "A autorização usa um algoritmo de assinatura não aceito.",
                      "The permit uses a signature algorithm that is not accepted.",
                      "Le titre utilise un algorithme de signature non accepté."),
    "bad_claims": ("Los datos del permiso no siguen el formato RUTA1.",
                   "Os dados da autorização não seguem o formato RUTA1.",
                   "The permit data does not follow the RUTA1 format.",
                   "Les données du titre ne suivent pas le format RUTA1."),
    "unknown_kid": ("Emisor desconocido: la clave de firma no está en la lista de confianza.",
                    "Emissor desconhecido: a chave de assinatura não está na lista de confiança.",
                    "Unknown issuer: the signing key is not on the trust list.",
                    "Émetteur inconnu : la clé de signature n'est pas sur la liste de "
                    "confiance."),
    "issuer_country_mismatch": (
        "La clave de firma pertenece a otro país que el indicado en el permiso.",
        "A chave de assinatura pertence a outro país que o indicado na autorização.",
        "The signing key belongs to another country than the one named on the permit.",
        "La clé de signature appartient à un autre pays que celui indiqué sur le titre."),
    "key_not_valid_at_issue": (
        "La clave de firma no estaba vigente en la fecha de emisión.",
        "A chave de assinatura não estava vigente na data de emissão.",
        "The signing key was not valid on the date of issue.",
        "La clé de signature n'était pas valide à la date d'émission."),
    "bad_signature": ("Firma no válida: el permiso fue alterado o falsificado.",
                      "Assinatura inválida: a autorização foi alterada ou falsificada.",
                      "Invalid signature: the permit was altered or forged.",
                      "Signature invalide : le titre a été modifié ou falsifié."),
    "expired": ("El permiso está vencido.", "A autorização está vencida.",
                "The permit has expired.", "Le titre a expiré."),
    "not_yet_valid": ("El permiso todavía no está vigente.", "A autorização ainda não é válida.",
                      "The permit is not valid yet.", "Le titre n'est pas encore valide."),
    "revoked": ("El permiso fue revocado por el país emisor.",
                "A autorização foi revogada pelo país emissor.",
                "The permit was revoked by the issuing country.",
                "Le titre a été révoqué par le pays émetteur."),
    "suspended": ("El permiso está suspendido por el país emisor.",
                  "A autorização está suspensa pelo país emissor.",
                  "The permit is suspended by the issuing country.",
                  "Le titre est suspendu par le pays émetteur."),
    "status_index_out_of_range": (
        "La lista de estado no incluye este permiso; actualice la lista.",
        "A lista de status não inclui esta autorização; atualize a lista.",
        "The status list does not cover this permit; update the list.",
        "La liste de statut ne couvre pas ce titre ; mettez la liste à jour."),
    "trust_list_untrusted": (
        "La lista de confianza no es auténtica (su firma no es válida).",
        "A lista de confiança não é autêntica (a assinatura é inválida).",
        "The trust list is not authentic (its signature does not verify).",
        "La liste de confiance n'est pas authentique (sa signature est invalide)."),
    "trust_list_unavailable": (
        "Este verificador no tiene una lista de confianza configurada.",
        "Este verificador não tem uma lista de confiança configurada.",
        "This verifier has no trust list configured.",
        "Ce vérificateur n'a pas de liste de confiance configurée."),
    "status_list_untrusted": (
        "La lista de estado no es auténtica (su firma no es válida).",
        "A lista de status não é autêntica (a assinatura é inválida).",
        "The status list is not authentic (its signature does not verify).",
        "La liste de statut n'est pas authentique (sa signature est invalide)."),
    "not_a_qr": ("No se encontró un código QR legible en la imagen.",
                 "Nenhum código QR legível foi encontrado na imagem.",
                 "No readable QR code was found in the image.",
                 "Aucun code QR lisible n'a été trouvé dans l'image."),
}

_STATUS: dict[str, tuple[str, str, str, str]] = {
    "valid": ("Válido", "Válida", "Valid", "Valide"),
    "invalid": ("No válido", "Inválida", "Not valid", "Non valide"),
    "revoked": ("Revocado", "Revogada", "Revoked", "Révoqué"),
    "suspended": ("Suspendido", "Suspensa", "Suspended", "Suspendu"),
    "expired": ("Vencido", "Vencida", "Expired", "Expiré"),
    "unknown_issuer": ("Emisor desconocido", "Emissor desconhecido", "Unknown issuer",
                       "Émetteur inconnu"),
    "not_yet_valid": ("Aún no vigente", "Ainda não válida", "Not yet valid",
                      "Pas encore valide"),
}

_FIELDS: dict[str, tuple[str, str, str, str]] = {
    "permit": ("permiso", "autorização", "permit", "titre"),
    "issued_by": ("emitido por", "emitida por", "issued by", "émis par"),
    "on": ("el", "em", "on", "le"),
    "holder": ("titular", "titular", "holder", "titulaire"),
    "born": ("nacido/a el", "nascido/a em", "born", "né(e) le"),
    "validity": ("vigencia", "validade", "validity", "validité"),
    "to": ("a", "a", "to", "au"),
    "rights": ("derechos", "direitos", "rights", "droits"),
    "status_list_age": ("antigüedad de la lista de estado", "idade da lista de status",
                        "status list age", "âge de la liste de statut"),
}


@lru_cache(maxsize=1)
def _rights_vocabulary() -> dict[str, dict[str, str]]:
    # Law is data: the labels of rights live with the pathway packs' vocabulary, so a
    # right a pack adds gets its translations in one place.
    try:
        text = resources.files("ruta.pathways").joinpath("data/vocabulary.yaml").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    rights = yaml.safe_load(text).get("rights", {})
    return {str(k): {str(lang): str(v) for lang, v in labels.items()}
            for k, labels in rights.items()}


def _pick(table: dict[str, tuple[str, str, str, str]], key: str, lang: str) -> str | None:
    row = table.get(key)
    if row is None:
        return None
    return row[("es", "pt", "en", "fr").index(lang) if lang in LANGUAGES else 2]


def reason_text(code: str, lang: str = "en") -> str:
    """The sentence for a reason code (English when the language is not supported).

    Examples:
        >>> reason_text("revoked", "es")
        'El permiso fue revocado por el país emisor.'
    """
    return _pick(_REASONS, code, lang) or code


def field_label(name: str, lang: str = "en") -> str:
    """Label of a permit field in text output, e.g. ``field_label("holder", "fr")``."""
    return _pick(_FIELDS, name, lang) or name


def status_label(status: str, lang: str = "en") -> str:
    """Short label of a verification status, e.g. ``'Vencido'``."""
    return _pick(_STATUS, status, lang) or status


def right_label(right: str, lang: str = "en") -> str:
    """Label of a right from the packs' vocabulary; unknown rights are shown as they are.

    Examples:
        >>> right_label("banking", "fr")
        'Ouvrir un compte bancaire'
        >>> right_label("hunting", "es")
        'hunting'
    """
    labels = _rights_vocabulary().get(right, {})
    label = labels.get(lang) or labels.get("en")
    return label[:1].upper() + label[1:] if label else right
