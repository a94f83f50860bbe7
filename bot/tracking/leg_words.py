"""Carriers' scan wording per leg of the journey, in the languages their scans come in.

Pure data, matched in lower case as substrings of event descriptions by `bot.tracking.legs`.
Structured data (the provider's sub-status, event countries, event order) is read first; these
words decide only when the structure says nothing. Languages: English, Portuguese (Correios),
Spanish (Correos, CTT-like wording), German (Deutsche Post/DHL), French (La Poste/Colissimo),
Russian (Russian Post) and Chinese (China Post/Cainiao). Phrases are chosen to be specific:
a word that also appears in domestic scans ("离开" = "left" a sorting centre) is not listed alone.
"""

from __future__ import annotations

# The parcel left the origin country (export hand-over, departure to the destination).
EXPORT: dict[str, tuple[str, ...]] = {
    "en": (
        "outward office of exchange",
        "export",
        "airline",
        "flight",
        "departed from origin country",
        "left the origin country",
        "left the territory of the country",
        "left the country of origin",
        "dispatched to destination country",
        "dispatch from origin",
        "international hub",
        "departure from country of origin",
        "from departure country",
        "leaving from departure country",
        "crossing border",
    ),
    "pt": ("saída do país de origem", "saiu do país de origem", "exportação"),
    "es": ("salida del país de origen", "ha salido del país de origen", "exportación"),
    "de": ("ausfuhr", "hat das absenderland verlassen", "abflug ins zielland"),
    "fr": ("départ du pays d'origine", "a quitté le pays d'origine", "exportation"),
    "ru": ("покинуло территорию", "покинуло место международного обмена", "экспорт"),
    # "发往…航站 / 机场": sent to the air mail terminal / airport, i.e. to the airline.
    "zh": ("交航", "已出口", "出口互换局", "离开互换局", "航班起飞", "出口直封", "航站", "机场"),
}
# The parcel arrived in the destination country.
IMPORT: dict[str, tuple[str, ...]] = {
    "en": (
        "inward office of exchange",
        "import",
        "arrived in destination country",
        "arrival in destination country",
        "arrived at destination country",
        "arrival at destination country",
        "handed over to the local",
        "handed over to local",
        "handed to the local",
        "local post",
        "last mile",
        "received in destination country",
        "local delivery company",
    ),
    "pt": ("recebido pelos correios do brasil", "chegada ao país de destino", "recebido no brasil"),
    "es": ("llegada al país de destino", "ha llegado al país de destino", "importación"),
    "de": ("im zielland angekommen", "ankunft im zielland", "einfuhr"),
    "fr": ("arrivée dans le pays de destination", "est arrivé dans le pays de destination"),
    "ru": ("прибыло на территорию", "прибыло в место международного обмена", "импорт"),
    "zh": ("进口互换局", "到达寄达地", "抵达目的地国家", "进口"),
}
# The parcel is with customs.
CUSTOMS: dict[str, tuple[str, ...]] = {
    "en": ("customs", "clearance"),
    # Brazil's customs decisions: "Análise concluída - importação (não) autorizada".
    "pt": (
        "aduaneira",
        "alfândega",
        "alfandega",
        "receita federal",
        "importação autorizada",
        "importação não autorizada",
    ),
    "es": ("aduana",),
    "de": ("zoll",),
    "fr": ("douane",),
    "ru": ("таможн",),
    "zh": ("海关", "清关"),
}
# Customs let it go.
CUSTOMS_DONE: dict[str, tuple[str, ...]] = {
    "en": (
        "released",
        "cleared",
        "completed",
        "complete",
        "finished",
        "leaving customs",
        "left customs",
        "departed from customs",
    ),
    "pt": ("finalizada", "liberado", "liberada", "importação autorizada"),
    "es": ("liberado", "liberada", "despachado"),
    "de": ("abgeschlossen", "freigegeben"),
    "fr": ("dédouané", "terminé"),
    "ru": ("выпущено", "выпуск разрешен", "завершено"),
    "zh": ("放行", "清关完成", "已完成"),
}
# Customs or the carrier waits for the buyer: payment or documents.
CUSTOMS_ACTION: dict[str, tuple[str, ...]] = {
    "en": (
        "payment",
        "pay ",
        "duty",
        "duties",
        "import tax",
        "vat",
        "document",
        "invoice",
        "information required",
        "awaiting information",
    ),
    "pt": ("pagamento", "tributo", "taxa", "documentação"),
    "es": ("pago", "impuesto", "documentación"),
    "de": ("zahlung", "abgaben", "gebühr", "einfuhrumsatzsteuer", "unterlagen"),
    "fr": ("paiement", "droits", "frais", "taxes", "documents"),
    "ru": ("оплат", "пошлин", "документ"),
    "zh": ("缴税", "付款", "税款", "补充资料"),
}
# Payment due, said without naming customs (e.g. Correios' "Aguardando pagamento"): at the
# destination this is the import tax, so it counts as customs waiting for the buyer.
PAYMENT_DUE: dict[str, tuple[str, ...]] = {
    "en": ("awaiting payment", "payment required", "fee to pay"),
    "pt": ("aguardando pagamento",),
    "es": ("pendiente de pago", "en espera de pago"),
    "de": ("zahlung ausstehend", "warten auf zahlung"),
    "fr": ("en attente de paiement",),
    "ru": ("ожидает оплаты", "ожидает уплаты"),
    "zh": ("待缴税", "等待付款"),
}
# Customs data sent ahead of the parcel (electronic pre-clearance): before the parcel has
# arrived in the destination country this is not "at customs".
PRECLEARANCE: dict[str, tuple[str, ...]] = {
    "en": (
        "import clearance start",
        "import customs clearance started",
        "pre-clearance",
        "pre-advice",
        "electronic customs",
        "customs data received",
    ),
    # "Informações (eletrônicas) enviadas para análise da autoridade aduaneira"
    "pt": ("enviadas para análise da autoridade aduaneira",),
    "es": ("información enviada a aduana", "predeclaración"),
    "de": ("zolldaten übermittelt", "elektronische zollanmeldung"),
    "fr": ("données douanières transmises", "pré-dédouanement"),
    "ru": ("предварительное информирование",),
    "zh": ("预申报", "进口清关开始"),
}
# A delivery attempt failed (nobody home, address problem).
DELIVERY_ATTEMPT: dict[str, tuple[str, ...]] = {
    "en": ("delivery attempt", "attempted delivery", "could not be delivered", "notice left"),
    "pt": ("tentativa de entrega", "carteiro não atendido"),
    "es": ("intento de entrega", "entrega fallida", "ausente"),
    "de": ("zustellversuch", "nicht angetroffen"),
    "fr": ("tentative de livraison", "avis de passage", "destinataire absent"),
    "ru": ("неудачная попытка вручения",),
    "zh": ("投递失败", "无人签收", "妥投失败"),
}


def all_words(table: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Every phrase of a table, in all languages."""
    return tuple(word for words in table.values() for word in words)
