"""Deterministic synthetic social-media posts for demos and tests (fictional brands, no I/O).

``generate_posts`` yields valid RawPost objects in chronological order: Dutch (~55%), English (~40%) and a
few German, French and Spanish posts about four fictional brands, their subjects without the brand's name
(outside-in), the brands' own webcare replies, reposts, outage bursts, spam and off-topic chatter.
``generate_labelled`` yields the same posts with their ground truth (kind, intent, brand, language), which
lets tests measure enrichers. ``malformed_lines`` gives raw lines that must be rejected on replay, and
``sample_brands`` the brand keyword config that matches the generated text.
"""

from __future__ import annotations

import bisect
import json
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from itertools import accumulate
from random import Random

from schemas.config import BrandConfig, BrandsConfig
from schemas.posts import MAX_TEXT_CHARS, RawPost

DEFAULT_START = datetime(2025, 3, 10, 0, 0, tzinfo=UTC)
"""Start of the generated period when none is given (a Monday, 00:00 UTC)."""

SPAN = timedelta(days=4)
"""Length of the generated period."""


def _lines(block: str) -> tuple[str, ...]:
    """One template per non-empty line of a text block."""
    return tuple(line.strip() for line in block.strip().splitlines() if line.strip())


# --------------------------------------------------------------------------------------------------------
# The four fictional brands


@dataclass(frozen=True)
class _Brand:
    """A fictional brand: its own words, and the customer words of its subject."""

    sector: str
    name: str
    handles: tuple[str, ...]  # first: main account, second: webcare account
    domain: str
    products: tuple[str, ...]
    hashtags: tuple[str, ...]  # first: brand tag, second: outage tag, third: campaign tag
    outside_in: tuple[str, ...]
    agents: tuple[str, ...]
    forum: str  # an independent forum about the subject
    weight: float  # share of brand-related traffic

    @property
    def care_handle(self) -> str:
        return self.handles[1]


_BRANDS: tuple[_Brand, ...] = (
    _Brand(
        sector="telecom",
        name="Kabelkat",
        handles=("kabelkat", "kabelkat_helpt"),
        domain="kabelkat.example",
        products=(
            "KatMobiel",
            "KatMobiel Unlimited",
            "KatFiber 1000",
            "Kat TV Box",
            "Kabelkat Thuis",
            "Kabelkat Zakelijk",
        ),
        hashtags=("#kabelkat", "#kabelkatstoring", "#KatZomerDeal"),
        outside_in=(
            "beste provider",
            "geen bereik",
            "familieabonnement",
            "internetstoring",
            "wifi",
            "modem",
            "glasvezel",
            "sim only",
            "dekking",
            "mobiel abonnement",
            "best provider",
            "no signal",
            "dropped calls",
            "family plan",
            "internet outage",
            "coverage",
            "router",
        ),
        agents=("Mirjam", "Joost", "Femke", "Rachid", "Ilse"),
        forum="forum.techpraat.example",
        weight=0.32,
    ),
    _Brand(
        sector="energy",
        name="Wattwolk",
        handles=("wattwolk", "wattwolk_service"),
        domain="wattwolk.example",
        products=(
            "Wattwolk Groen",
            "WolkVast 3 jaar",
            "Wattwolk Variabel",
            "WolkZon",
            "Wattwolk App",
            "Wattwolk Zakelijk",
        ),
        hashtags=("#wattwolk", "#wattwolkstoring", "#WolkZonDeal"),
        outside_in=(
            "energierekening",
            "stroomstoring",
            "energiecontract",
            "energieleverancier",
            "voorschot",
            "terugleververgoeding",
            "slimme meter",
            "jaarafrekening",
            "zonnepanelen",
            "energy bill",
            "power outage",
            "energy contract*",
            "energy supplier",
            "smart meter",
        ),
        agents=("Sophie", "Mark", "Naima", "Pieter"),
        forum="www.energiepraat.example",
        weight=0.22,
    ),
    _Brand(
        sector="rail",
        name="Zwaluwspoor",
        handles=("zwaluwspoor", "zwaluw_reisinfo"),
        domain="zwaluwspoor.example",
        products=(
            "Zwaluw Sneltrein",
            "Zwaluw Nachttrein",
            "Dalvrij abonnement",
            "Zwaluw Flex",
            "Zwaluw Reisplanner",
            "Zwaluw Zakelijk",
        ),
        hashtags=("#zwaluwspoor", "#zwaluwstoring", "#ZwaluwZomerpas"),
        outside_in=(
            "trein vertraagd",
            "trein te laat",
            "vertraging",
            "treinstoring",
            "seinstoring",
            "aansluiting gemist",
            "treinabonnement",
            "train delayed",
            "train cancelled",
            "missed my connection",
            "rail replacement bus",
            "train ticket*",
            "ov-chipkaart",
        ),
        agents=("Kees", "Lotte", "Hamza", "Eva"),
        forum="forum.spoorpraat.example",
        weight=0.26,
    ),
    _Brand(
        sector="bank",
        name="Duitenbank",
        handles=("duitenbank", "duitenbank_helpt"),
        domain="duitenbank.example",
        products=(
            "Duiten Betaalrekening",
            "DuitenApp",
            "Duiten Spaarrekening",
            "Duiten Creditcard",
            "Duiten Hypotheek",
            "Duiten Zakelijk",
        ),
        hashtags=("#duitenbank", "#duitenstoring", "#DuitenSpaarweek"),
        outside_in=(
            "pinstoring",
            "dubbele afschrijving",
            "betaalrekening",
            "bankapp",
            "mobiel bankieren",
            "pinnen",
            "phishing",
            "hypotheek",
            "bank app",
            "card declined",
            "double charge",
            "payment failed",
        ),
        agents=("Anouk", "Bas", "Yara", "Tim"),
        forum="www.geldpraat.example",
        weight=0.20,
    ),
)


def sample_brands() -> BrandsConfig:
    """The brand keyword config matching the generated text (a fresh copy on every call)."""
    brands = []
    for brand in _BRANDS:
        inside_out = [
            brand.name,
            *brand.products,
            *(f"@{h}" for h in brand.handles),
            *brand.hashtags,
            brand.domain,
        ]
        brands.append(
            BrandConfig(
                name=brand.name,
                handles=list(brand.handles),
                inside_out=inside_out,
                outside_in=list(brand.outside_in),
            )
        )
    return BrandsConfig(brands=brands)


SAMPLE_BRANDS: BrandsConfig = sample_brands()
"""The brand keyword config matching the generated text; call ``sample_brands`` for a copy to modify."""


# --------------------------------------------------------------------------------------------------------
# Templates. Slots: {brand} {handle} {product} {product_<word>} (a product whose name contains <word>) {tag}
# {tag2} {outage_tag} {campaign} {url} {city} {station} {station2} {minutes} {days} {amount} {clock}
# {first} {agent}

_MENTION: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "telecom": {
        "nl": {
            "complaint": _lines("""
                {handle} al {days} dagen geen internet en niemand die me helpt. Echt belachelijk.
                Mijn modem van {brand} is weer kapot. Derde keer dit jaar!
                Dubbele afschrijving van {brand} deze maand, {amount} twee keer eraf. Wie betaalt mij terug?
                {handle} ik wil opzeggen maar jullie site geeft steeds een foutmelding
                Weer dropped calls met {product_mobiel}. Bellen in {city} is gewoon onmogelijk
                geen bereik in {city} met {product_mobiel}, wat betaal ik eigenlijk?
                {brand} klantenservice: {minutes} minuten in de wacht en dan opgehangen.
                Beeld van de {product_tv} blijft hangen tijdens de wedstrijd {handle} 😡
                {handle} ??
                Monteur zou tussen 8 en 12 komen. Het is nu half 3. Niemand. {brand} bedankt.
            """),
            "question": _lines("""
                {handle} kan ik mijn {product} ook meenemen naar het buitenland?
                Hoe zet ik roaming aan op {product_mobiel}?
                Weet iemand of {brand} ook glasvezel levert in {city}?
                {handle} hoe lang duurt het overzetten van mijn nummer naar {product}?
                Hoi {handle}, werkt de {product_tv} ook met mijn oude tv?
            """),
            "invoice_question": _lines("""
                {handle} waarom is mijn rekening deze maand {amount}? Had een bundel van de helft
                Vraagje {handle}: ik zie een onbekende post op mijn factuur van {brand}, wat is dat?
            """),
            "b2b_question": _lines("""
                {handle} wij zoeken een zakelijk abonnement voor 12 medewerkers, wie kan ik spreken?
                Heeft {brand} ook Kabelkat Zakelijk met vaste IP-adressen? Voor ons kantoor in {city}
            """),
            "praise": _lines("""
                Snel geholpen door {handle}, modem werkt weer. Top!
                Nu een maand {product} en nog geen enkele storing. Tevreden klant 👍
                Compliment voor de monteur van {brand}, super vriendelijk en binnen 20 minuten klaar
            """),
            "outage": _lines("""
                Storing bij {brand}? Al {minutes} minuten geen internet in {city} {outage_tag}
                Is {brand} plat? Tv en internet doen niks
                {handle} STORING?! Ik moet werken!!
                geen internet, geen tv, geen bereik. {brand} ligt eruit {outage_tag}
                Iemand anders ook geen internet in {city}? {handle}
            """),
            "purchase_intent": _lines("""
                Overweeg over te stappen naar {brand}, iemand ervaring met {product}?
                Ik stap over naar {product}, mijn huidige provider is echt niks
                {campaign} ziet er goed uit, twijfel of ik ga overstappen naar {brand}
            """),
        },
        "en": {
            "complaint": _lines("""
                {handle} no internet for {days} days and nobody helps. Unbelievable.
                My {brand} modem died again. Third time this year!
                Got charged twice by {brand} this month, {amount} taken two times. Refund please?
                {handle} trying to cancel my contract but your website keeps crashing
                Dropped calls all day with {product_mobiel}. Calling from {city} is impossible
                {brand} customer service: {minutes} minutes on hold and then they hung up.
                no signal AGAIN {handle}
            """),
            "question": _lines("""
                {handle} does {product_mobiel} work abroad? Travelling to Spain next week
                Does anyone know if {brand} offers fibre in {city}?
                {handle} how long does it take to port my number to {product}?
            """),
            "invoice_question": _lines("""
                {handle} why is my bill {amount} this month? My plan is half that
            """),
            "b2b_question": _lines("""
                {handle} looking for a business plan for our team of 8 in {city}, who can I talk to?
            """),
            "praise": _lines("""
                Shoutout to {handle} for fixing my connection within an hour 🙌
                Been on {product} for a month now, zero issues. Happy customer
            """),
            "outage": _lines("""
                Is {brand} down? No internet in {city} since {clock} {outage_tag}
                {handle} internet outage again?? Working from home here
                {brand} down for anyone else?
            """),
            "purchase_intent": _lines("""
                Thinking of switching to {brand}, anyone tried {product}?
                Just moved to {city}, is {brand} any good? Looking for internet + TV
            """),
        },
    },
    "energy": {
        "nl": {
            "complaint": _lines("""
                {handle} mijn voorschot is zomaar verhoogd naar {amount} per maand. Zonder uitleg!
                Jaarafrekening van {brand} klopt niet, meterstanden verkeerd overgenomen
                Al {days} dagen wacht ik op een reactie van {brand} over mijn terugleververgoeding
                {handle} dubbele afschrijving deze maand. Graag mijn geld terug
                De {product_app} laat al een week geen verbruik zien, super irritant
                {brand} wil {amount} boete omdat ik opzeg. Nergens gemeld bij het afsluiten
            """),
            "question": _lines("""
                {handle} hoe werkt de terugleververgoeding bij {product}?
                Kan ik mijn meterstanden ook doorgeven in de {product_app}?
                Weet iemand of {brand} ook een vast contract van 3 jaar heeft?
            """),
            "invoice_question": _lines("""
                {handle} waarom is mijn energierekening {amount} hoger dan vorig jaar?
                Snap mijn jaarafrekening van {brand} niet. Wat is die post netbeheer?
            """),
            "b2b_question": _lines("""
                {handle} wij hebben een bakkerij in {city}, hebben jullie een zakelijk energiecontract?
            """),
            "praise": _lines("""
                Eindelijk een energieleverancier die gewoon netjes uitlegt hoe het zit. Goed bezig {handle}
                Geld terug van {brand} na de jaarafrekening 🎉 {amount}!
                De {product_app} is echt handig, zie precies wat mijn zonnepanelen doen
            """),
            "outage": _lines("""
                Stroomstoring in {city}? Alles uit hier {handle}
                {handle} hele straat zonder stroom, weten jullie wat er is? {outage_tag}
                Wattwolk app doet het niet, kan nergens inloggen {outage_tag}
            """),
            "purchase_intent": _lines("""
                Overstappen naar {brand}? Ze hebben {campaign} en die terugleververgoeding lijkt goed
                Mijn contract loopt af, overweeg {product_wattwolk}. Ervaringen?
            """),
        },
        "en": {
            "complaint": _lines("""
                {handle} my monthly payment went up to {amount} without any explanation
                {brand} charged me twice this month. Not impressed.
                Waiting {days} days for {brand} to answer about my solar feed-in. Terrible service
            """),
            "question": _lines("""
                {handle} how do I submit meter readings in the {product_app}?
                Does {brand} offer a fixed energy contract for 3 years?
            """),
            "invoice_question": _lines("""
                {handle} why is my energy bill {amount} higher than last year?
            """),
            "b2b_question": _lines("""
                {handle} do you offer business energy contracts for a small shop in {city}?
            """),
            "praise": _lines("""
                Got money back from {brand} after the annual bill, nice 💚
                {handle} thanks for the quick help with my smart meter!
            """),
            "outage": _lines("""
                Power outage in {city}? Whole street dark {handle}
                {brand} app down? Can't log in {outage_tag}
            """),
            "purchase_intent": _lines("""
                Thinking of switching to {brand}, their {product_wattwolk} looks decent. Anyone?
            """),
        },
    },
    "rail": {
        "nl": {
            "complaint": _lines("""
                {handle} trein van {clock} naar {station} weer {minutes} minuten vertraging. Elke dag
                Aansluiting gemist in {station} door {brand}. Weer te laat op mijn werk
                {brand} rekent {amount} voor een kaartje en dan moet je staan. Schandalig
                Trein te laat, geen info op het perron, {handle} wat is er aan de hand?
                Refund aangevraagd voor de {product} {days} dagen geleden, nog niks gehoord
                Airco kapot in de {product_trein}, 30 graden in de coupe 🥵
                Wéér vertraging {handle}. WÉÉR.
            """),
            "question": _lines("""
                {handle} mag mijn fiets mee in de {product_trein}?
                Geldt het {product_abonnement} ook in het weekend?
                {handle} kan ik met mijn {product_abonnement} ook in {station2} overstappen?
            """),
            "invoice_question": _lines("""
                {handle} ik zie twee keer {amount} afgeschreven voor één reis, hoe krijg ik dat terug?
            """),
            "b2b_question": _lines("""
                {handle} hoe regel ik {product_zakelijk} kaarten voor ons hele team?
            """),
            "praise": _lines("""
                Conducteur van de trein naar {station} was echt super aardig, dank {handle}
                Eindelijk op tijd! {brand} ik ben trots op jullie 😄
                Lekker rustig in de {product_trein}, goede wifi ook
            """),
            "outage": _lines("""
                Geen treinen tussen {station} en {station2}? {handle} {outage_tag}
                Seinstoring bij {station}, alles ligt stil. {brand} wanneer rijdt er weer iets?
                Staan al {minutes} minuten stil voor {station} {handle} {outage_tag}
                {handle} treinstoring {station}?? Niks op de borden
            """),
            "purchase_intent": _lines("""
                Overweeg een {product_abonnement} van {brand}, ik reis 3 dagen per week naar {station}. Slim?
                {campaign} is best goedkoop, ga ik nemen denk ik
            """),
        },
        "en": {
            "complaint": _lines("""
                {handle} the {clock} to {station} is {minutes} min late again. Every single day
                Missed my connection at {station} thanks to {brand}. Great.
                {brand} train cancelled, no announcement, no bus. Seriously?
                Applied for a refund for the {product} {days} days ago, still nothing
            """),
            "question": _lines("""
                {handle} can I take my bike on the {product_trein}?
                Is the {product_abonnement} valid on weekends?
                How do I get from Schiphol to {station} with {brand}? First time in NL
            """),
            "invoice_question": _lines("""
                {handle} I was charged {amount} twice for one trip, how do I get a refund?
            """),
            "b2b_question": _lines("""
                {handle} how do we set up {product_zakelijk} for our whole company?
            """),
            "praise": _lines("""
                The conductor on the train to {station} was so kind, thanks {handle}
                {product_trein} was spotless and on time. Impressed
            """),
            "outage": _lines("""
                No trains between {station} and {station2}? {handle} {outage_tag}
                Stuck outside {station} for {minutes} minutes now {handle} {outage_tag}
            """),
            "purchase_intent": _lines("""
                Thinking of getting the {product_abonnement} from {brand}, I commute to {station} 3x a week
            """),
        },
    },
    "bank": {
        "nl": {
            "complaint": _lines("""
                {handle} dubbele afschrijving van {amount} en de app zegt dat alles klopt. Niet dus
                Kan al {days} dagen niet inloggen in de DuitenApp. Geen hulp van {brand}
                {brand} blokkeert mijn pas zonder reden, sta bij de kassa voor schut
                {handle} {minutes} minuten in de wacht voor een simpele vraag. Kom op
                Waarom rekent {brand} ineens {amount} voor een {product}??
                Mijn rekening opzeggen bij {brand} is echt een doolhof
            """),
            "question": _lines("""
                {handle} hoe verhoog ik mijn pinlimiet in de {product_app}?
                Kan ik bij {brand} een {product_rekening} openen voor mijn kind?
                {handle} is die sms over mijn {product} echt van jullie? Lijkt phishing
            """),
            "invoice_question": _lines("""
                {handle} wat zijn die kosten van {amount} op mijn {product}?
                Vraag {handle}: waarom twee keer rente afgeschreven deze maand?
            """),
            "b2b_question": _lines("""
                {handle} ik start een eenmanszaak in {city}, hoe open ik een rekening bij {product_zakelijk}?
                {handle} pinautomaat voor onze winkel, kan dat via Duiten Zakelijk?
            """),
            "praise": _lines("""
                {brand} loste mijn fraudemelding binnen een dag op. Chapeau {handle}
                De nieuwe {product_app} is echt overzichtelijk 👍
            """),
            "outage": _lines("""
                Pinstoring? Kon net niet betalen in de supermarkt {handle} {outage_tag}
                {handle} DuitenApp doet het niet, storing? {outage_tag}
                Is {brand} plat? Geen iDEAL, geen app, niks
                {handle} pinnen lukt niet in heel {city}??
            """),
            "purchase_intent": _lines("""
                Overstappen naar {brand}? Ze hebben {campaign} met goede spaarrente
                Twijfel tussen mijn huidige bank en een {product_rekening} van {brand}. Tips?
            """),
        },
        "en": {
            "complaint": _lines("""
                {handle} double charge of {amount} and the app says everything is fine. It isn't
                Can't log in to the DuitenApp for {days} days now. No help from {brand}
                {brand} blocked my card at the checkout for no reason. Embarrassing
            """),
            "question": _lines("""
                {handle} can I open a {product_rekening} as an expat without a BSN yet?
                How do I raise my card limit in the {product_app}?
            """),
            "invoice_question": _lines("""
                {handle} what is this {amount} fee on my {product}?
            """),
            "b2b_question": _lines("""
                {handle} starting a small business in {city}, how do I open a {product_zakelijk} account?
            """),
            "praise": _lines("""
                {brand} sorted my fraud claim in one day. Impressed {handle}
            """),
            "outage": _lines("""
                Card declined everywhere, is {brand} down? {outage_tag}
                {handle} app not working, payment failed twice {outage_tag}
            """),
            "purchase_intent": _lines("""
                Thinking of switching to {brand}, their {product_app} looks good. Experiences?
            """),
        },
    },
}

# Other languages: fewer templates, (intent, template) pairs per sector.
_OTHER: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "de": {
        "telecom": (
            ("complaint", "Seit {days} Tagen kein Internet in {city}. {handle} was ist da los?"),
            ("question", "{handle} funktioniert {product_mobiel} auch in Deutschland?"),
            ("outage", "Ist {brand} gerade down? Kein Netz in {city} {outage_tag}"),
        ),
        "energy": (
            ("complaint", "{handle} Abschlag einfach auf {amount} erhöht. Ohne Erklärung!"),
            ("question", "Liefert {brand} auch Strom nach Deutschland?"),
        ),
        "rail": (
            ("complaint", "Zug nach {station} wieder {minutes} Minuten Verspätung {handle}"),
            ("question", "{handle} kann ich mit dem {product_trein} nach Köln fahren?"),
            ("praise", "Sehr freundlicher Schaffner im Zug nach {station}. Danke {brand}!"),
        ),
        "bank": (("complaint", "{handle} Karte in {city} abgelehnt, Zahlung fehlgeschlagen. Warum?"),),
    },
    "fr": {
        "telecom": (
            ("complaint", "Pas de réseau à {city} avec {product_mobiel}, c'est nul {handle}"),
            ("question", "{handle} est-ce que {product_mobiel} marche en France ?"),
        ),
        "energy": (("question", "{handle} comment fonctionne le contrat {product_wattwolk} ?"),),
        "rail": (
            ("complaint", "Train pour {station} encore en retard de {minutes} minutes {handle}"),
            ("praise", "Voyage super agréable avec {brand} aujourd'hui, merci !"),
            ("question", "{handle} le vélo est-il autorisé dans le {product_trein} ?"),
        ),
        "bank": (("complaint", "{handle} impossible de me connecter à la DuitenApp depuis {days} jours"),),
    },
    "es": {
        "telecom": (("complaint", "Sin internet desde hace {days} días {handle}. ¡Qué desastre!"),),
        "energy": (("question", "{handle} ¿cómo funciona la tarifa {product_wattwolk}?"),),
        "rail": (
            ("complaint", "El tren a {station} otra vez con {minutes} minutos de retraso {handle}"),
            ("praise", "Muy buen viaje con {brand}, todo puntual 👍"),
        ),
        "bank": (
            ("question", "{handle} ¿puedo abrir una {product_rekening} sin número BSN?"),
            ("outage", "¿{brand} caído? No puedo pagar con tarjeta {outage_tag}"),
        ),
    },
}

# Outside-in: the subject in the customer's words, without the brand. (intent, template) pairs.
_OUTSIDE_IN: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "telecom": {
        "nl": (
            ("question", "Wie heeft de beste provider in {city}? Ben klaar met mijn huidige"),
            ("question", "Tips voor een goed familieabonnement met 4 simkaarten?"),
            ("complaint", "Al de hele dag geen bereik in {city} 😤"),
            ("question", "Glasvezel of kabel, wat is nou echt sneller? Iemand ervaring?"),
            ("complaint", "Wifi valt om de {minutes} minuten weg. Modem al 3x herstart"),
            ("question", "Sim only of toch een mobiel abonnement met toestel? Help"),
            ("complaint", "internetstoring in {city}?? niks doet het"),
        ),
        "en": (
            ("question", "Which provider has the best coverage in {city}? Asking for a friend"),
            ("question", "Any tips for a family plan in the Netherlands? Need 4 SIMs"),
            ("complaint", "dropped calls all day, is it just me?"),
            ("complaint", "No signal in {city} since this morning 📵"),
            ("question", "Best provider for fibre in NL? Just moved here"),
        ),
        "de": (
            (
                "question",
                "Welcher Anbieter hat die beste Abdeckung in den Niederlanden? Kein Netz, no signal",
            ),
        ),
        "fr": (
            ("question", "Quel est le best provider pour internet aux Pays-Bas ? Pas de wifi depuis hier"),
        ),
    },
    "energy": {
        "nl": (
            ("question", "Energiecontract vergelijken: vast of variabel? Wat doen jullie?"),
            ("complaint", "Mijn energierekening is weer {amount} omhoog. Hoe betalen mensen dit?"),
            ("outage", "Stroomstoring in {city}? Hele wijk donker"),
            (
                "question",
                "Welke energieleverancier heeft de eerlijkste terugleververgoeding voor zonnepanelen?",
            ),
            ("question", "Slimme meter geeft rare waarden, iemand een idee?"),
            ("complaint", "Jaarafrekening binnen. {amount} bijbetalen. Pff"),
        ),
        "en": (
            ("question", "Comparing energy contracts in NL, fixed or variable?"),
            ("complaint", "Energy bill just doubled. How is this legal"),
            ("outage", "Power outage in {city}? Everything went dark"),
        ),
        "es": (("question", "¿Alguien sabe cómo leer el smart meter holandés?"),),
    },
    "rail": {
        "nl": (
            ("complaint", "Trein vertraagd. Weer. Mis mijn aansluiting in {station}"),
            ("complaint", "Trein te laat. Alweer. Waarom altijd op maandag?"),
            ("question", "Iemand tips voor een goedkoop treinabonnement? Reis 3x per week"),
            ("outage", "Seinstoring bij {station}, hoe lang gaat dit duren?"),
            ("complaint", "Aansluiting gemist, {minutes} minuten wachten op het perron in de kou"),
        ),
        "en": (
            ("complaint", "Train delayed again. Missed my connection in {station}"),
            ("question", "Cheapest train ticket in the Netherlands? Commuting 3 days a week"),
            ("complaint", "Train cancelled and the rail replacement bus is full 🙃"),
        ),
        "de": (("complaint", "Zug fällt aus, train cancelled, nichts geht mehr in {station}"),),
    },
    "bank": {
        "nl": (
            ("outage", "Pinstoring bij de supermarkt, kon niet betalen"),
            ("question", "Welke bank heeft de beste bankapp? Mijne crasht steeds"),
            ("complaint", "Dubbele afschrijving gezien, iemand anders ook vandaag?"),
            ("question", "Betaalrekening zonder kosten, bestaat dat nog?"),
            ("complaint", "Alweer een phishing sms van een 'bank'. Pas op mensen!"),
            ("question", "Hypotheek oversluiten, bij welke bank hebben jullie goede ervaringen?"),
        ),
        "en": (
            ("question", "Best bank for expats in NL? Need a bank app in English"),
            ("complaint", "Card declined at the supermarket for no reason 😳"),
            ("complaint", "double charge on my account again, anyone else?"),
        ),
        "fr": (("complaint", "Paiement refusé, card declined partout à {city} aujourd'hui"),),
    },
}

_TAILS: dict[str, dict[str, tuple[str, ...]]] = {
    "nl": {
        "complaint": _lines("""
            Al 3x gebeld.
            Dit is echt de laatste keer.
            Wie herkent dit?
            Ik ben er klaar mee.
            En dan nog {amount} per maand betalen.
            Heb een screenshot als jullie het niet geloven.
        """),
        "question": _lines("""
            Alvast bedankt!
            Kon het nergens op de site vinden.
            Iemand?
        """),
        "praise": _lines("""
            Zo kan het dus ook.
            Dank!
        """),
        "outage": _lines("""
            Iemand anders ook?
            Ik moet om 9 uur een meeting hebben...
            Ook in {city}?
        """),
    },
    "en": {
        "complaint": _lines("""
            Called three times already.
            This is the last straw.
            Anyone else?
        """),
        "question": _lines("""
            Thanks in advance!
            Couldn't find it on the website.
        """),
        "praise": _lines("""
            Credit where it's due.
        """),
        "outage": _lines("""
            Anyone else?
            Got a meeting at 9...
        """),
    },
}

_REPLIES: dict[str, dict[str, tuple[str, ...]]] = {
    "nl": {
        "complaint": _lines("""
            Hoi {first}, wat vervelend! Stuur je ons een DM? Dan kijken we met je mee. ^{agent}
            Hé {first}, balen dat het niet lukt. Kun je ons via DM je klantnummer sturen? ^{agent}
            Hoi {first}, dat is niet de ervaring die we je gunnen. We zoeken het voor je uit via DM. ^{agent}
            Hoi {first}, sorry voor het wachten! Stuur je ons je gegevens via DM? Dan bellen we je. ^{agent}
        """),
        "question": _lines("""
            Hoi {first}, goede vraag! Alles over {product} vind je op {url} Kom je er niet uit? ^{agent}
            Hoi {first}, dat kan zeker. Via {url} regel je het in een paar minuten. ^{agent}
        """),
        "invoice_question": _lines("""
            Hoi {first}, over je rekening praten we liever privé. Stuur je ons een DM? ^{agent}
        """),
        "b2b_question": _lines("""
            Hoi {first}, leuk dat je aan ons denkt! Ons zakelijk team helpt je graag: {url} ^{agent}
        """),
        "praise": _lines("""
            Hoi {first}, wat fijn om te horen! Dat delen we met het team 😊 ^{agent}
            Dank je wel {first}! Zo horen we het graag 💚 ^{agent}
        """),
        "outage": _lines("""
            Hoi {first}, we weten van de storing en werken aan een oplossing. Actuele info: {url} ^{agent}
            Hoi {first}, sorry voor het ongemak. Er is een storing in de regio, zie {url} ^{agent}
        """),
        "purchase_intent": _lines("""
            Hoi {first}, leuk! Check {url} voor een vrijblijvend advies, of stuur ons een DM. ^{agent}
        """),
        "followup": _lines("""
            Hoi {first}, is alles inmiddels opgelost? Laat het ons gerust weten! ^{agent}
        """),
    },
    "en": {
        "complaint": _lines("""
            Hi {first}, sorry to hear that! Could you send us a DM? We'll look into it. ^{agent}
            Hi {first}, that's not the experience we want for you. Please DM us your customer number. ^{agent}
        """),
        "question": _lines("""
            Hi {first}, good question! You'll find everything about {product} at {url} ^{agent}
        """),
        "invoice_question": _lines("""
            Hi {first}, we'd rather discuss your bill in private. Could you send us a DM? ^{agent}
        """),
        "b2b_question": _lines("""
            Hi {first}, our business team is happy to help: {url} ^{agent}
        """),
        "praise": _lines("""
            Thanks {first}, great to hear! We'll pass it on to the team 😊 ^{agent}
        """),
        "outage": _lines("""
            Hi {first}, we're aware of the outage and working on a fix. Live updates: {url} ^{agent}
        """),
        "purchase_intent": _lines("""
            Hi {first}, great! Have a look at {url} or send us a DM for advice. ^{agent}
        """),
        "followup": _lines("""
            Hi {first}, is everything sorted now? Let us know! ^{agent}
        """),
    },
}

_FOLLOWUPS: dict[str, tuple[str, ...]] = {
    "nl": _lines("""
        Dank, DM gestuurd!
        Top, werkt weer 👍
        Heb al 2x een DM gestuurd, geen reactie...
        Ja hoor, opgelost. Bedankt!
        Nee, nog steeds niks
    """),
    "en": _lines("""
        Thanks, sent you a DM
        Still not working.
        All good now, thanks!
    """),
}

_ANNOUNCEMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "telecom": {
        "nl": (
            "Op dit moment is er een storing in internet en tv in de regio {city}. Onze monteurs "
            "zijn onderweg. Updates: {url} {outage_tag}",
        ),
        "en": (
            "We're experiencing an internet and TV outage around {city}. Engineers are on it. "
            "Updates: {url} {outage_tag}",
        ),
    },
    "energy": {
        "nl": (
            "Door een storing kun je tijdelijk niet inloggen in de Wattwolk App. We werken aan een "
            "oplossing. {outage_tag}",
        ),
        "en": ("The Wattwolk App is temporarily unavailable due to an outage. {outage_tag}",),
    },
    "rail": {
        "nl": (
            "Door een seinstoring rijden er minder treinen tussen {station} en {station2}. Plan je reis "
            "via de Zwaluw Reisplanner. {outage_tag}",
        ),
        "en": ("Due to a signal failure fewer trains run between {station} and {station2}. {outage_tag}",),
    },
    "bank": {
        "nl": (
            "Er is een storing bij betalen met je pas en in de DuitenApp. Onze excuses, we werken aan "
            "een oplossing. {outage_tag}",
        ),
        "en": ("Card payments and the DuitenApp are disrupted. We're working on a fix. {outage_tag}",),
    },
}

# Articles: (title, body) for news and blog posts.
_ARTICLES: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "telecom": {
        "nl": (
            (
                "Storing bij Kabelkat: duizenden klanten zonder internet",
                "Duizenden klanten van Kabelkat zaten urenlang zonder internet en tv. Volgens de provider "
                "ging het om een fout in een netwerkcomponent in de regio {city}. Klanten klaagden op "
                "sociale media over geen bereik en slechte informatie.",
            ),
            (
                "Welke provider is de beste? Wij vergeleken vijf abonnementen",
                "Sim only, familieabonnement of toch alles-in-één? We vergeleken prijs, dekking en "
                "klantenservice. KatMobiel scoort goed op prijs, minder op dekking buiten de Randstad.",
            ),
            (
                "Waarom ik na tien jaar overstap van provider",
                "Na de zoveelste internetstoring was ik er klaar mee. In deze blog lees je hoe overstappen "
                "ging, wat het kost en waar je op moet letten met je modem.",
            ),
        ),
        "en": (
            (
                "Kabelkat outage leaves thousands without internet",
                "Thousands of Kabelkat customers were without internet and TV for hours, after a network "
                "fault near {city}. The provider apologised on social media.",
            ),
        ),
    },
    "energy": {
        "nl": (
            (
                "Energierekening stijgt: wat betekent dat voor jouw voorschot?",
                "Energieleveranciers verhogen hun tarieven. Wie een energiecontract met variabel tarief "
                "heeft, merkt dat direct in het voorschot. Vergelijken loont.",
            ),
            (
                "Wattwolk verlaagt terugleververgoeding voor zonnepanelen",
                "Energieleverancier Wattwolk past per 1 april de terugleververgoeding aan. Klanten met "
                "zonnepanelen krijgen minder voor hun stroom. Op sociale media is de kritiek groot.",
            ),
        ),
        "en": (
            (
                "How to read your Dutch energy bill",
                "Your annual energy bill explained: the advance payment, grid costs and your smart meter.",
            ),
        ),
    },
    "rail": {
        "nl": (
            (
                "Seinstoring legt treinverkeer rond {station} urenlang plat",
                "Door een seinstoring reden er urenlang geen treinen van Zwaluwspoor rond {station}. "
                "Reizigers klaagden over trein vertraagd, aansluiting gemist en gebrekkige informatie.",
            ),
            (
                "Treinabonnement kiezen: zo bespaar je",
                "Reis je vaak, dan loont een treinabonnement. We zetten Dalvrij abonnement en Zwaluw Flex "
                "naast elkaar.",
            ),
        ),
        "en": (
            (
                "Signal failure halts trains near {station}",
                "A signal failure stopped Zwaluwspoor trains around {station} for hours; travellers reported "
                "being stuck and missing connections.",
            ),
        ),
    },
    "bank": {
        "nl": (
            (
                "Landelijke pinstoring: betalen lukte urenlang niet",
                "Klanten van Duitenbank konden urenlang niet pinnen en niet inloggen in de DuitenApp. "
                "De bank spreekt van een technische storing.",
            ),
            (
                "Zo herken je phishing van je bank",
                "Een sms over je betaalrekening die geblokkeerd zou zijn? Waarschijnlijk phishing. Zo herken "
                "je het, en zo meld je het.",
            ),
        ),
        "en": (
            (
                "Duitenbank card payments disrupted nationwide",
                "Duitenbank customers could not pay by card or use the bank app for hours on end.",
            ),
        ),
    },
}

_SPAM: dict[str, tuple[str, ...]] = {
    "nl": _lines("""
        Verdien €500 per dag vanuit huis!! Klik hier: https://snelrijk.example/start
        GRATIS iPhone winnen? Volg en deel! {tag} {tag2} https://prijsjes.example
        Crypto tip 🚀🚀 100x gegarandeerd, DM me voor de groep
        Goedkope volgers kopen? 10.000 volgers voor €9,99 👉 https://volgers.example
    """),
    "en": _lines("""
        Make $500/day from home!! Click here https://getrich.example
        WIN a free iPhone 🎁 follow + retweet {tag} {tag2} https://freeprize.example
        Crypto signal group 🚀 100x guaranteed, DM now
    """),
}

_OFF_TOPIC: dict[str, tuple[str, ...]] = {
    "nl": _lines("""
        Wat een mooi weer vandaag ☀️
        Wie kijkt er vanavond voetbal?
        Mijn kat heeft de kabel van mijn oplader doorgebeten 🙄
        De zwaluwen zijn terug in de tuin!
        Een paar centen bijverdienen met oppassen, iemand tips?
        Net de lekkerste appeltaart ooit gebakken
        Maandagochtend. Koffie. Nu.
        Iemand nog een goede serie om te kijken?
        De wolken boven {city} vanavond 😍
    """),
    "en": _lines("""
        Beautiful sunset tonight
        Anyone watching the game?
        My cat chewed through the charger cable again
        Monday. Coffee. Now.
        Just finished a great book, recommendations welcome
    """),
    "de": ("Schönes Wetter heute in {city}!",),
    "fr": ("Quel beau temps aujourd'hui à {city} !",),
    "es": ("¡Qué buen tiempo hace hoy en {city}!",),
}

_TITLES: dict[str, dict[str, tuple[str, ...]]] = {
    "nl": {
        "complaint": (
            "Slechte klantenservice",
            "Teleurgesteld",
            "Nooit meer!",
            "Zeer ontevreden",
            "Probleem met {product}",
        ),
        "praise": ("Prima service", "Snel geholpen", "Aanrader", "Eindelijk een bedrijf dat luistert"),
        "question": ("Vraag over {product}", "Hulp gezocht", "Wie weet dit?"),
        "outage": ("Storing in {city}?", "Storing?"),
        "purchase_intent": ("Ervaringen met {brand}?", "Overstappen, ja of nee?"),
    },
    "en": {
        "complaint": ("Terrible service", "Disappointed", "Never again"),
        "praise": ("Great service", "Quick help", "Recommended"),
        "question": ("Question about {product}", "Help needed"),
        "outage": ("Outage in {city}?",),
        "purchase_intent": ("Experiences with {brand}?",),
    },
}

_EMOJI = {
    "complaint": ("😡", "🤬", "😤", "🙄", "😩", "👎", "💩", "😠"),
    "praise": ("👍", "🙏", "😍", "💚", "🎉", "👏"),
    "question": ("🤔", "🙂", "🙏"),
    "outage": ("⚠️", "😫", "📵", "🤦", "😱"),
    "purchase_intent": ("🤔", "👀"),
}

_CITIES = (
    "Amsterdam",
    "Rotterdam",
    "Utrecht",
    "Den Haag",
    "Eindhoven",
    "Groningen",
    "Zwolle",
    "Amersfoort",
    "Leiden",
    "Nijmegen",
    "Tilburg",
    "Almere",
    "Breda",
    "Haarlem",
    "Arnhem",
    "Enschede",
    "Maastricht",
    "Deventer",
    "Alkmaar",
    "Delft",
)
_STATIONS = (
    "Utrecht Centraal",
    "Amsterdam Centraal",
    "Rotterdam Centraal",
    "Den Haag HS",
    "Schiphol Airport",
    "Eindhoven Centraal",
    "Zwolle",
    "Amersfoort Centraal",
    "Leiden Centraal",
    "Groningen",
    "Arnhem Centraal",
    "Breda",
    "Almere Centrum",
    "Deventer",
)

_FIRST = {
    "nl": (
        "Sanne",
        "Daan",
        "Lotte",
        "Joris",
        "Fleur",
        "Bram",
        "Eva",
        "Thijs",
        "Anouk",
        "Ruben",
        "Sophie",
        "Lucas",
        "Iris",
        "Milan",
        "Noor",
        "Jesse",
        "Lisa",
        "Sem",
        "Fatima",
        "Mohamed",
        "Emma",
        "Kevin",
        "Marieke",
        "Henk",
        "Ingrid",
        "Wouter",
        "Yusuf",
        "Esra",
        "Gert",
        "Annemiek",
    ),
    "en": (
        "Emma",
        "James",
        "Olivia",
        "Liam",
        "Sophie",
        "Jack",
        "Chloe",
        "Ryan",
        "Priya",
        "Arjun",
        "Megan",
        "Tom",
        "Hannah",
        "Ben",
        "Grace",
        "Daniel",
        "Aisha",
        "Sam",
    ),
    "de": ("Klaus", "Anna", "Lukas", "Lena", "Jonas", "Mia"),
    "fr": ("Camille", "Louis", "Chloé", "Hugo", "Léa"),
    "es": ("Lucía", "Pablo", "Carmen", "Javier", "Sofía"),
}
_LAST = {
    "nl": (
        "de Vries",
        "Jansen",
        "van den Berg",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "de Boer",
        "Mulder",
        "de Groot",
        "Bos",
        "Vos",
        "Peters",
        "Hendriks",
        "van Dijk",
        "Yilmaz",
        "El Amrani",
        "Kok",
    ),
    "en": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Patel", "Evans", "Walker", "Murphy"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber"),
    "fr": ("Martin", "Bernard", "Dubois", "Moreau", "Lefèvre"),
    "es": ("García", "Fernández", "López", "Martínez", "Sánchez"),
}

_INSTANCES = ("mastodon.social", "mastodon.nl", "toot.community", "mas.to")
_OUTLETS = (
    ("nieuwsbode", "Nieuwsbode"),
    ("dagkoerier", "De Dagkoerier"),
    ("techtijd", "TechTijd"),
    ("lowlandsherald", "Lowlands Herald"),
)
_BLOGS = ("geldbewust", "thuisnetwerk", "treinreiziger", "groenwonen", "expatlife-nl")

_ODD_KINDS = (
    "whitespace",
    "emoji_only",
    "url_only",
    "very_long",
    "zero_width",
    "html",
    "mixed_language",
    "huge_numbers",
    "dangling_reference",
    "offset_timezone",
    "anonymous",
    "accents_control",
)
"""Kinds of schema-valid but awkward posts that ``malformed_every`` mixes in."""

MALFORMED_KINDS = (
    "not_json",
    "truncated_json",
    "json_array",
    "missing_text",
    "wrong_type",
    "empty_text",
    "unknown_field",
    "invalid_utf8",
)
"""Kinds of the lines ``malformed_lines`` returns, in the same order."""


# --------------------------------------------------------------------------------------------------------
# Generation


@dataclass(frozen=True, slots=True)
class PostLabel:
    """Ground truth of a generated post, for tests and enricher evaluation."""

    kind: str  # mention, outside_in, brand_reply, customer_followup, announcement, repost, article, spam,
    # off_topic, odd
    lang: str  # nl, en, de, fr, es; "und" for odd posts
    brand: str | None = None  # brand the post is about (by name or, for outside-in, by subject)
    intent: str | None = None  # complaint, question, invoice_question, b2b_question, praise, outage,
    # purchase_intent
    burst: bool = False  # part of an outage burst


@dataclass(slots=True)
class _User:
    index: int
    lang: str
    first: str
    last: str
    handle: str
    followers: int
    role: str  # user, influencer, journalist


@dataclass(slots=True)
class _Posted:
    """What later replies and reposts need to know about a generated post."""

    id: str
    source: str
    time: datetime
    user: _User | None
    brand: _Brand | None
    lang: str
    intent: str | None
    text: str
    handle: str | None


_FIELD_CACHE: dict[str, tuple[str, ...]] = {}


def _fields(template: str) -> tuple[str, ...]:
    fields = _FIELD_CACHE.get(template)
    if fields is None:
        fields = tuple(dict.fromkeys(name for _, name, _, _ in string.Formatter().parse(template) if name))
        _FIELD_CACHE[template] = fields
    return fields


def _split(pairs: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Choices and their cumulative weights, for ``Random.choices(..., cum_weights=...)``."""
    return tuple(p[0] for p in pairs), tuple(accumulate(p[1] for p in pairs))


def _pick(rng: Random, choices: tuple[tuple[str, ...], tuple[float, ...]]) -> str:
    """A weighted choice (like ``Random.choices`` with ``cum_weights``, but faster)."""
    names, cum_weights = choices
    return names[bisect.bisect(cum_weights, rng.random() * cum_weights[-1])]


_HOUR_WEIGHTS = tuple(
    accumulate((1, 0.6, 0.4, 0.3, 0.3, 0.6, 2, 5, 8, 8, 7, 7, 8, 7, 6, 6, 7, 8, 8, 9, 9, 8, 5, 3))
)
_MENTION_SOURCES = _split(
    (
        ("twitter", 40),
        ("facebook", 15),
        ("instagram", 8),
        ("forum", 9),
        ("review", 10),
        ("mastodon", 7),
        ("bluesky", 11),
    )
)
_OUTSIDE_SOURCES = _split(
    (
        ("twitter", 30),
        ("facebook", 12),
        ("instagram", 5),
        ("forum", 25),
        ("mastodon", 8),
        ("bluesky", 12),
        ("blog", 8),
    )
)
_CHATTER_SOURCES = _split(
    (("twitter", 35), ("facebook", 15), ("instagram", 20), ("mastodon", 12), ("bluesky", 13), ("forum", 5))
)
_BURST_SOURCES = _split(
    (("twitter", 55), ("facebook", 10), ("mastodon", 10), ("bluesky", 15), ("instagram", 5), ("forum", 5))
)
_KINDS = _split(
    (
        ("mention", 55),
        ("outside_in", 13),
        ("brand_reply", 13),
        ("customer_followup", 2),
        ("repost", 8),
        ("article", 2),
        ("spam", 3),
        ("off_topic", 4),
    )
)
_INTENTS = _split(
    (
        ("complaint", 40),
        ("question", 19),
        ("invoice_question", 7),
        ("b2b_question", 5),
        ("praise", 15),
        ("outage", 5),
        ("purchase_intent", 9),
    )
)
_REPLY_SOURCES = frozenset({"twitter", "facebook", "instagram", "forum", "review", "mastodon", "bluesky"})
_REPOST_SOURCES = frozenset({"twitter", "mastodon", "bluesky"})
_AT_SOURCES = frozenset({"twitter", "mastodon", "bluesky", "instagram"})
_BRAND_FOLLOWERS = {"telecom": 61_200, "energy": 18_400, "rail": 143_000, "bank": 52_700}

# Words of keyword terms: typos never touch them, so that the labels stay true.
_PROTECTED = frozenset(
    word
    for brand in _BRANDS
    for term in (brand.name, *brand.products, *brand.outside_in)
    for word in term.lower().rstrip("*").split()
)
_PROTECTED_PREFIXES = tuple(
    term.lower().rstrip("*").split()[-1]
    for brand in _BRANDS
    for term in brand.outside_in
    if term.endswith("*")
)

Item = tuple[dict[str, object], PostLabel]


class _Generator:
    """Holds the state of one generation run; ``run`` yields posts in time order."""

    def __init__(self, count: int, seed: int, start: datetime, malformed_every: int) -> None:
        self.rng = Random(seed)
        self.count = count
        self.start = start
        self.malformed_every = malformed_every
        self.counters: dict[str, int] = {}
        self.users: dict[str, list[_User]] = {}
        self.brand_weights = tuple(accumulate(b.weight for b in _BRANDS))
        self.pending: list[_Posted] = []  # customer posts the brand may still answer, in time order
        self.pending_times: list[datetime] = []
        self.answered: list[_Posted] = []  # brand replies a customer may answer
        self.repostable: list[_Posted] = []  # recent posts, and how likely each is reposted
        self.repost_weights: list[float] = []
        self._make_users()

    # ---- set-up

    def _make_users(self) -> None:
        rng = self.rng
        total = max(300, min(self.count // 4, 5000))
        shares = (("nl", 0.56), ("en", 0.38), ("de", 0.02), ("fr", 0.02), ("es", 0.02))
        index = 0
        for lang, share in shares:
            pool: list[_User] = []
            for _ in range(max(20, int(total * share))):
                first, last = rng.choice(_FIRST[lang]), rng.choice(_LAST[lang])
                roll = rng.random()
                if roll < 0.015:
                    role, followers = "influencer", int(rng.lognormvariate(10.8, 0.7))
                elif roll < 0.025:
                    role, followers = "journalist", int(rng.lognormvariate(9.2, 0.6))
                else:
                    role, followers = "user", int(rng.lognormvariate(4.3, 1.4))
                pool.append(_User(index, lang, first, last, self._handle(first, last, role), followers, role))
                index += 1
            self.users[lang] = pool

    def _handle(self, first: str, last: str, role: str) -> str:
        rng = self.rng
        short, rest = _ascii_word(first), _ascii_word(last)
        if role == "journalist":
            return f"{short}_{rest[:8]}_nieuws"
        style = rng.randrange(4)
        if style == 0:
            return f"{short}{rng.randint(70, 2005)}"
        if style == 1:
            return f"{short}_{rest[:6]}"
        if style == 2:
            return (short + rest)[:15]
        return f"{short}{rng.choice(('tje', 'x', '_nl', 'ke', '88', 'xo'))}"

    def _slots(self) -> list[tuple[datetime, _Brand | None]]:
        """All post times in order, with the brand of an outage burst where a post belongs to one."""
        rng = self.rng
        days = SPAN.days
        bursts = 0 if self.count < 200 else max(2, min(6, self.count // 500))
        burst_posts = int(self.count * 0.08) if bursts else 0
        slots: list[tuple[datetime, _Brand | None]] = []
        for _ in range(self.count - burst_posts):
            hour = bisect.bisect(_HOUR_WEIGHTS, rng.random() * _HOUR_WEIGHTS[-1])
            offset = timedelta(days=rng.randrange(days), hours=hour, seconds=rng.randrange(3600))
            slots.append((self.start + offset, None))
        order = list(_BRANDS)
        rng.shuffle(order)
        for n in range(bursts):
            brand = order[n % len(order)]
            size = burst_posts // bursts + (1 if n < burst_posts % bursts else 0)
            day = min((n * days) // bursts, days - 1)
            begin = self.start + timedelta(days=day, hours=rng.randint(7, 19), minutes=rng.randrange(60))
            length = rng.randint(25, 80) * 60
            for _ in range(size):
                offset = timedelta(seconds=int(rng.triangular(0, length, length * 0.25)))
                slots.append((begin + offset, brand))
        slots.sort(key=lambda slot: slot[0])
        return slots

    # ---- helpers

    def _next_number(self, key: str, base: int) -> int:
        value = self.counters.get(key, base) + self.rng.randint(1, 997)
        self.counters[key] = value
        return value

    def _user(self, lang: str) -> _User:
        """A user of a language; a few people post a lot, so favour the start of the pool."""
        pool = self.users[lang]
        if self.rng.random() < 0.3:
            return pool[min(int(self.rng.paretovariate(1.2)) - 1, len(pool) - 1)]
        return pool[self.rng.randrange(len(pool))]

    def _lang(self) -> str:
        roll = self.rng.random()
        if roll < 0.54:
            return "nl"
        if roll < 0.92:
            return "en"
        return ("de", "fr", "es")[self.rng.randrange(3)]

    def _value(self, name: str, brand: _Brand | None, user: _User | None, agent: str) -> str:
        rng = self.rng
        if name == "brand":
            return brand.name if brand else ""
        if name == "handle":
            return "@" + rng.choice(brand.handles) if brand else ""
        if name == "product":
            return rng.choice(brand.products) if brand else ""
        if name.startswith("product_"):  # a product whose name contains the word after "product_"
            fitting = [p for p in brand.products if name[8:] in p.lower()] if brand else []
            return rng.choice(fitting or (brand.products if brand else ("",)))
        if name == "tag":
            return (brand or rng.choice(_BRANDS)).hashtags[0]
        if name == "tag2":
            return rng.choice(_BRANDS).hashtags[2]
        if name == "outage_tag":
            return brand.hashtags[1] if brand and rng.random() < 0.6 else ""
        if name == "campaign":
            return brand.hashtags[2] if brand else ""
        if name == "url":
            path = rng.choice(("storingen", "service", "zakelijk", "klantenservice", "hulp"))
            return f"https://{brand.domain}/{path}" if brand else ""
        if name == "city":
            return rng.choice(_CITIES)
        if name in ("station", "station2"):
            return rng.choice(_STATIONS)
        if name == "minutes":
            return str(rng.choice((10, 15, 20, 25, 30, 40, 45, 60, 90)))
        if name == "days":
            return str(rng.randint(2, 14))
        if name == "amount":
            euros, cents = rng.randint(12, 240), rng.choice((0, 50, 95, 99, 45))
            return f"€{euros},{cents:02d}" if rng.random() < 0.6 else f"€{euros}.{cents:02d}"
        if name == "clock":
            return f"{rng.randint(6, 22):02d}:{rng.randrange(60):02d}"
        if name == "first":
            return user.first if user else "daar"
        if name == "agent":
            return agent
        return ""

    def _fill(
        self,
        template: str,
        brand: _Brand | None,
        user: _User | None = None,
        agent: str = "",
        fixed: dict[str, str] | None = None,
    ) -> str:
        """Fill a template's slots; ``fixed`` values win (and are shared between title and body)."""
        values = {}
        for name in _fields(template):
            if fixed is not None and name in fixed:
                values[name] = fixed[name]
            else:
                values[name] = self._value(name, brand, user, agent)
        text = template.format_map(values)
        return " ".join(text.split()) if "  " in text or text.endswith(" ") else text

    def _decorate(self, text: str, lang: str, intent: str | None, brand: _Brand | None, source: str) -> str:
        """Make user text look real: extra sentences, emoji, hashtags, shouting, typos, links."""
        rng = self.rng
        tails = _TAILS.get(lang, {}).get(intent or "")
        if tails and rng.random() < 0.3:
            end = "." if text[-1].isalnum() else ""
            text = f"{text}{end} {self._fill(rng.choice(tails), brand)}"
            if source in ("forum", "review", "blog") and rng.random() < 0.5:  # longer posts there
                text = f"{text} {self._fill(rng.choice(tails), brand)}"
        if intent in ("complaint", "outage") and rng.random() < 0.07:
            text = text.upper()
        elif rng.random() < 0.12:
            text = self._typo(text)
        if intent in _EMOJI and rng.random() < 0.3:
            text += " " + rng.choice(_EMOJI[intent]) * rng.choice((1, 1, 1, 2, 3))
        if source == "instagram" and brand:
            extra = rng.choice(("#mondaymood", "#nederland", "#klantenservice", "#fail", "#blij", ""))
            text += f" {brand.hashtags[0]} {extra}"
        elif brand and source in _AT_SOURCES and rng.random() < 0.12:
            text += " " + rng.choice(brand.hashtags)
        if source == "twitter" and rng.random() < 0.05:
            text += f" https://t.co/{self._code(10)}"
        return text.strip()

    def _typo(self, text: str) -> str:
        rng = self.rng
        words = text.split(" ")
        candidates = [
            i
            for i, w in enumerate(words)
            if len(w) >= 5
            and w.isalpha()
            and w.islower()
            and w not in _PROTECTED
            and not w.startswith(_PROTECTED_PREFIXES)
        ]
        if not candidates:
            return text
        i = rng.choice(candidates)
        word = words[i]
        j = rng.randrange(1, len(word) - 1)
        kind = rng.randrange(3)
        if kind == 0:
            word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]  # swapped letters
        elif kind == 1:
            word = word[:j] + word[j + 1 :]  # dropped letter
        else:
            word = word[:j] + word[j] + word[j:]  # doubled letter
        words[i] = word
        return " ".join(words)

    def _code(self, length: int) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def _lang_hint(self, source: str, lang: str) -> str | None:
        """What the platform claims: mostly right, sometimes wrong or undecided, only on some platforms."""
        if source not in ("twitter", "mastodon", "bluesky", "instagram"):
            return None
        roll = self.rng.random()
        if roll < 0.8:
            return lang
        if roll < 0.87:
            return {"nl": "de", "en": "nl", "de": "nl", "fr": "en", "es": "pt"}[lang]
        if roll < 0.93:
            return "und"
        return None

    def _engagement(self, followers: int, source: str) -> dict[str, int]:
        rng = self.rng
        scale = 1 + followers**0.5 / 10
        likes = int(rng.expovariate(1.0) * 2 * scale)
        reposts = int(rng.expovariate(1.0) * 0.4 * scale) if source in _REPOST_SOURCES | {"facebook"} else 0
        replies = int(rng.expovariate(1.0) * 0.5 * scale) if source not in ("news", "blog") else 0
        return {"likes": likes, "reposts": reposts, "replies": replies}

    def _identity(
        self,
        source: str,
        handle: str,
        brand: _Brand | None,
        slug: str,
        own_channel: bool = False,
        host: str | None = None,
    ) -> tuple[str, str]:
        """A new post id and url; ``own_channel`` allows the brand's page or community as the place."""
        rng = self.rng
        if source == "twitter":
            n = self._next_number(source, 1_790_000_000_000)
            return f"twitter:{n}", f"https://x.com/{handle}/status/{n}"
        if source == "facebook":
            n = self._next_number(source, 10_150_000_000_000)
            page = brand.handles[0] if brand and own_channel and rng.random() < 0.7 else handle
            return f"facebook:{n}", f"https://www.facebook.com/{page}/posts/{n}"
        if source == "instagram":
            n = self._next_number(source, 3_300_000_000)
            code = "C" + _base62(n * 7919 + 1_000_003, 10)
            return f"instagram:{code}", f"https://www.instagram.com/p/{code}/"
        if source == "forum":
            if host is None:
                if brand is None:
                    host = "forum.overstappraat.example"
                elif own_channel and rng.random() < 0.5:
                    host = f"community.{brand.domain}"
                else:
                    host = brand.forum
            n = self._next_number(host, 48_000)
            return f"forum:{host}:{n}", f"https://{host}/t/{slug}/{n}"
        if source == "review":
            n = self._next_number(source, 2_200_000)
            company = brand.name.lower() if brand else "onbekend"
            return f"review:klantoordeel:{n}", f"https://www.klantoordeel.example/reviews/{company}/{n}"
        if source == "mastodon":
            user, _, instance = handle.partition("@")
            n = self._next_number(source, 112_000_000_000_000_000)
            return f"mastodon:{instance}:{n}", f"https://{instance}/@{user}/{n}"
        if source == "bluesky":
            rkey = "3k" + _base32(self._next_number(source, 3_000_000_000_000), 11)
            return f"bluesky:{handle}:{rkey}", f"https://bsky.app/profile/{handle}/post/{rkey}"
        if source == "blog":
            n = self._next_number(source, 100)
            return f"blog:{handle}:{n}", f"https://{handle}.example/{self.start.year}/{slug}-{n}/"
        n = self._next_number(source, 880_000)
        return f"news:{handle}:{n}", f"https://www.{handle}.example/economie/{n}/{slug}"

    def _author(self, source: str, user: _User) -> tuple[dict[str, object], str]:
        """The Author dict for a user on a source, and the handle used in urls and mentions."""
        name: str | None = f"{user.first} {user.last}"
        if user.role == "journalist":
            name = f"{name} | journalist"
        handle: str | None = user.handle
        if source == "mastodon":
            handle = f"{user.handle}@{_INSTANCES[user.index % len(_INSTANCES)]}"
        elif source == "bluesky":
            handle = f"{user.handle.replace('_', '-')}.bsky.social"
        url_handle = handle or user.handle
        if source == "facebook":
            handle = None
        elif source == "review":
            handle, name = None, f"{user.first} {user.last.split()[-1][0]}."
        elif source == "forum":
            name = None
        author = {
            "id": f"{source}-u{user.index}",
            "handle": handle,
            "name": name,
            "followers": user.followers,
        }
        return author, url_handle

    def _brand_author(self, source: str, brand: _Brand, care: bool) -> tuple[dict[str, object], str]:
        handle = brand.care_handle if care else brand.handles[0]
        if source == "mastodon":
            handle = f"{handle}@mastodon.nl"
        elif source == "bluesky":
            handle = f"{handle.replace('_', '-')}.bsky.social"
        followers = _BRAND_FOLLOWERS[brand.sector] // (4 if care else 1)
        name = f"{brand.name} Klantenservice" if care else brand.name
        author = {
            "id": f"{source}-brand-{handle.split('@')[0]}",
            "handle": handle,
            "name": name,
            "followers": followers,
            "is_brand_account": True,
        }
        return author, handle

    # ---- kinds of posts

    def _original(self, when: datetime, kind: str, burst: _Brand | None) -> Item:
        """A post that answers nothing: mention, outside-in, article, spam or off-topic."""
        rng = self.rng
        lang = self._lang()
        brand: _Brand | None = None
        intent: str | None = None
        title: str | None = None
        body_values: dict[str, str] = {}
        if kind in ("mention", "outside_in", "article"):
            brand = burst or _BRANDS[bisect.bisect(self.brand_weights, rng.random() * self.brand_weights[-1])]
        if kind == "mention":
            assert brand is not None
            if burst and lang not in ("nl", "en"):
                lang = "nl"
            intent = "outage" if burst else _pick(rng, _INTENTS)
            if lang in _MENTION[brand.sector]:
                template = rng.choice(_MENTION[brand.sector][lang][intent])
            else:
                intent, template = rng.choice(_OTHER[lang][brand.sector])
            source = _pick(rng, _BURST_SOURCES if burst else _MENTION_SOURCES)
            if source == "review" and intent not in ("complaint", "praise"):
                source = "twitter"
        elif kind == "outside_in":
            assert brand is not None
            table = _OUTSIDE_IN[brand.sector]
            if lang not in table:
                lang = "nl" if rng.random() < 0.6 else "en"
            intent, template = rng.choice(table[lang])
            source = _pick(rng, _OUTSIDE_SOURCES)
        elif kind == "article":
            assert brand is not None
            lang = "nl" if rng.random() < 0.7 else "en"
            title, template = rng.choice(_ARTICLES[brand.sector][lang])
            body_values = {"city": rng.choice(_CITIES), "station": rng.choice(_STATIONS)}
            title = self._fill(title, brand, fixed=body_values)
            source = "news" if rng.random() < 0.6 else "blog"
        elif kind == "spam":
            lang = "nl" if lang == "nl" else "en"
            template = rng.choice(_SPAM[lang])
            source = _pick(rng, _CHATTER_SOURCES)
        else:  # off_topic
            template = rng.choice(_OFF_TOPIC[lang])
            source = _pick(rng, _CHATTER_SOURCES)

        user = self._user(lang)
        text = self._fill(template, brand, user, fixed=body_values)
        if kind in ("mention", "outside_in"):
            text = self._decorate(text, lang, intent, brand if kind == "mention" else None, source)
        if title is None and source in ("forum", "review", "blog") and kind != "spam":
            titles = _TITLES.get(lang, {}).get(_title_intent(intent))
            if titles and kind == "mention":
                title = self._fill(rng.choice(titles), brand)
            else:
                title = _first_sentence(text)
        if source == "review":
            stars = rng.choice((1, 1, 2)) if intent == "complaint" else rng.choice((4, 5, 5))
            text = f"{'★' * stars}{'☆' * (5 - stars)} {text}"

        poster: _User | None = user
        if source == "news":
            outlet, outlet_name = _OUTLETS[rng.randrange(len(_OUTLETS))]
            author: dict[str, object] = {
                "id": f"news-{outlet}",
                "handle": outlet,
                "name": outlet_name,
                "followers": rng.choice((84_000, 215_000, 31_000)),
            }
            url_handle, poster = outlet, None
        elif source == "blog":
            author, _ = self._author(source, user)
            url_handle = _BLOGS[rng.randrange(len(_BLOGS))]
        else:
            author, url_handle = self._author(source, user)
        followers = author["followers"]
        assert isinstance(followers, int)
        post_id, url = self._identity(
            source, url_handle, brand, _slug(title or text), own_channel=kind == "mention"
        )
        data: dict[str, object] = {
            "id": post_id,
            "source": source,
            "url": url,
            "author": author,
            "text": text,
            "title": title,
            "created_at": when,
            "lang_hint": self._lang_hint(source, lang),
            "engagement": self._engagement(followers, source),
        }
        handle = author["handle"]
        posted = _Posted(
            post_id,
            source,
            when,
            poster,
            brand,
            lang,
            intent,
            text,
            handle if isinstance(handle, str) else None,
        )
        if kind == "mention" and source in _REPLY_SOURCES and lang in ("nl", "en"):
            self.pending.append(posted)
            self.pending_times.append(when)
        if kind in ("mention", "outside_in") and source in _REPOST_SOURCES:
            self.repostable.append(posted)
            self.repost_weights.append(1 + user.followers**0.5)
            if len(self.repostable) > 300:
                del self.repostable[:100], self.repost_weights[:100]
        label = PostLabel(
            kind=kind, lang=lang, brand=brand.name if brand else None, intent=intent, burst=burst is not None
        )
        return data, label

    def _brand_reply(self, when: datetime) -> Item | None:
        """The brand's webcare answering a customer post, typically within minutes to hours."""
        rng = self.rng
        stale = bisect.bisect_left(self.pending_times, when - timedelta(hours=36))  # never answered
        if stale:
            del self.pending[:stale], self.pending_times[:stale]
        delay = timedelta(minutes=min(rng.lognormvariate(3.2, 1.1), 60 * 30))
        index = bisect.bisect_right(self.pending_times, when - delay) - 1
        if index < 0 or self.pending_times[index] > when - timedelta(minutes=2):
            return None
        original = self.pending.pop(index)
        self.pending_times.pop(index)
        brand = original.brand
        assert brand is not None
        intent = original.intent or "complaint"
        if when - original.time > timedelta(hours=20) and rng.random() < 0.5:
            intent = "followup"
        replies = _REPLIES[original.lang]
        text = self._fill(
            rng.choice(replies.get(intent, replies["complaint"])),
            brand,
            original.user,
            agent=rng.choice(brand.agents),
        )
        if original.source in _AT_SOURCES and original.handle:
            text = f"@{original.handle} {text}"
        author, handle = self._brand_author(original.source, brand, care=True)
        host = original.id.split(":")[1] if original.source == "forum" else None
        post_id, url = self._identity(original.source, handle, brand, _slug(text), host=host)
        data: dict[str, object] = {
            "id": post_id,
            "source": original.source,
            "url": url,
            "author": author,
            "text": text,
            "created_at": when,
            "lang_hint": self._lang_hint(original.source, original.lang),
            "in_reply_to": original.id,
            "engagement": self._engagement(50, original.source),
        }
        self.answered.append(
            _Posted(post_id, original.source, when, original.user, brand, original.lang, None, text, handle)
        )
        if len(self.answered) > 200:
            del self.answered[:50]
        return data, PostLabel(kind="brand_reply", lang=original.lang, brand=brand.name)

    def _followup(self, when: datetime) -> Item | None:
        """A customer answering the brand's reply."""
        rng = self.rng
        if not self.answered:
            return None
        index = len(self.answered) - 1 - min(int(rng.expovariate(0.3)), len(self.answered) - 1)
        if self.answered[index].time > when - timedelta(minutes=1):
            return None
        reply = self.answered.pop(index)
        user, brand = reply.user, reply.brand
        assert user is not None and brand is not None
        text = rng.choice(_FOLLOWUPS[reply.lang])
        if reply.source in _AT_SOURCES and reply.handle:
            text = f"@{reply.handle} {text}"
        author, handle = self._author(reply.source, user)
        host = reply.id.split(":")[1] if reply.source == "forum" else None
        post_id, url = self._identity(reply.source, handle, brand, _slug(text), host=host)
        data: dict[str, object] = {
            "id": post_id,
            "source": reply.source,
            "url": url,
            "author": author,
            "text": text,
            "created_at": when,
            "lang_hint": self._lang_hint(reply.source, reply.lang),
            "in_reply_to": reply.id,
            "engagement": self._engagement(user.followers, reply.source),
        }
        return data, PostLabel(kind="customer_followup", lang=reply.lang, brand=brand.name)

    def _repost(self, when: datetime) -> Item | None:
        """A repost of a recent post; posts of people with a large reach are reposted more."""
        rng = self.rng
        if not self.repostable:
            return None
        original = rng.choices(self.repostable, self.repost_weights)[0]
        if original.time >= when:
            return None
        author, handle = self._author(original.source, self._user(original.lang))
        post_id, url = self._identity(original.source, handle, original.brand, "")
        data: dict[str, object] = {
            "id": post_id,
            "source": original.source,
            "url": url,
            "author": author,
            "text": f"RT @{original.handle}: {original.text}",
            "created_at": when,
            "lang_hint": self._lang_hint(original.source, original.lang),
            "repost_of": original.id,
        }
        brand = original.brand.name if original.brand else None
        return data, PostLabel(kind="repost", lang=original.lang, brand=brand, intent=original.intent)

    def _announcement(self, when: datetime, brand: _Brand) -> Item:
        """Proactive webcare: the brand announces the outage itself."""
        lang = "nl" if self.rng.random() < 0.75 else "en"
        text = self._fill(
            self.rng.choice(_ANNOUNCEMENTS[brand.sector][lang]),
            brand,
            fixed={"outage_tag": brand.hashtags[1]},
        )
        author, handle = self._brand_author("twitter", brand, care=False)
        post_id, url = self._identity("twitter", handle, brand, "")
        data: dict[str, object] = {
            "id": post_id,
            "source": "twitter",
            "url": url,
            "author": author,
            "text": text,
            "created_at": when,
            "lang_hint": lang,
            "engagement": self._engagement(_BRAND_FOLLOWERS[brand.sector], "twitter"),
        }
        return data, PostLabel(kind="announcement", lang=lang, brand=brand.name, intent="outage", burst=True)

    def _odd(self, when: datetime, n: int) -> Item:
        """A schema-valid post that is awkward for enrichers (see ``_ODD_KINDS``)."""
        kind = _ODD_KINDS[n % len(_ODD_KINDS)]
        brand = _BRANDS[n % len(_BRANDS)]
        author, handle = self._author("twitter", self._user("nl"))
        post_id, url = self._identity("twitter", handle, brand, "")
        name = brand.name
        if kind == "very_long":
            sentence = f"Ik heb al weken problemen met {name} en niemand helpt mij verder. "
            text = (sentence * (MAX_TEXT_CHARS // len(sentence)))[: MAX_TEXT_CHARS - 10].rstrip()
        else:
            text = {
                "whitespace": " \n\t ",
                "emoji_only": "😡😡😡🔥",
                "url_only": f"https://{brand.domain}/storingen",
                "zero_width": f"Storing bij {name[:4]}\u200b{name[4:]}?\u00a0Al\u00a0uren niks",
                "html": f'&lt;b&gt;Storing&lt;/b&gt; bij <a href="https://{brand.domain}">{name}</a> &amp; '
                "niemand reageert<br/>",
                "mixed_language": f"Echt weer no signal bij {name}, this is ridiculous, wat een gedoe",
                "huge_numbers": f"{name} 👍",
                "dangling_reference": f"@{brand.handles[0]} nog steeds geen antwoord op mijn vorige bericht",
                "offset_timezone": f"Nachtelijke storing bij {name}?",
                "anonymous": f"{name} is een ramp",
                "accents_control": f"Stóring bij {name.upper()}\u200e\u0007 al {n % 7 + 2} dagen",
            }[kind]
        data: dict[str, object] = {
            "id": post_id,
            "source": "twitter",
            "url": url,
            "author": author,
            "text": text,
            "created_at": when,
            "lang_hint": "und" if kind in ("mixed_language", "emoji_only") else None,
        }
        if kind == "huge_numbers":
            author["followers"] = 2_000_000_000
            data["engagement"] = {"likes": 10**12, "reposts": 10**9, "replies": 10**9}
        elif kind == "dangling_reference":
            data["in_reply_to"] = "twitter:1"
            data["repost_of"] = "bluesky:nobody.bsky.social:3k0000000000"
        elif kind == "offset_timezone":
            data["created_at"] = when.astimezone(timezone(timedelta(hours=2)))
        elif kind == "anonymous":
            data["author"] = {"id": f"twitter-anon-{n}"}
            data["url"] = None
        return data, PostLabel(kind="odd", lang="und", brand=brand.name)

    # ---- main loop

    def run(self) -> Iterator[tuple[RawPost, PostLabel]]:
        rng = self.rng
        announced: set[str] = set()
        for n, (when, burst) in enumerate(self._slots(), start=1):
            item: Item | None = None
            if self.malformed_every and n % self.malformed_every == 0:
                item = self._odd(when, n // self.malformed_every)
            elif burst is not None:
                key = f"{burst.sector}-{when.date()}"
                roll = rng.random()
                if key not in announced and roll < 0.3:
                    announced.add(key)
                    item = self._announcement(when, burst)
                elif roll < 0.15:
                    item = self._original(when, "outside_in", burst)  # "storing?" without the brand's name
                elif roll < 0.85:
                    item = self._original(when, "mention", burst)
                else:
                    item = self._brand_reply(when) or self._repost(when)
            else:
                kind = _pick(rng, _KINDS)
                if kind == "brand_reply":
                    item = self._brand_reply(when)
                elif kind == "customer_followup":
                    item = self._followup(when)
                elif kind == "repost":
                    item = self._repost(when)
                else:
                    item = self._original(when, kind, None)
            if item is None:  # nothing to answer or repost yet: a plain mention instead
                item = self._original(when, "mention", burst)
            data, label = item
            yield RawPost.model_validate(data), label


def _title_intent(intent: str | None) -> str:
    if intent in ("invoice_question", "b2b_question"):
        return "question"
    return intent or "question"


def _first_sentence(text: str) -> str:
    for mark in ("?", "!", ".", ","):
        cut = text.find(mark)
        if 10 < cut < 80:
            return text[: cut + 1]
    return text[:60].rstrip()


_SLUG_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=256)
def _ascii_word(name: str) -> str:
    """A name as one lowercase ASCII word, for handles."""
    return "".join(_SLUG_WORD.findall(name.lower()))


def _slug(text: str) -> str:
    return "-".join(_SLUG_WORD.findall(text[:80].lower())[:6]) or "post"


def _base62(value: int, width: int) -> str:
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = []
    for _ in range(width):
        value, rest = divmod(value, 62)
        out.append(alphabet[rest])
    return "".join(reversed(out))


def _base32(value: int, width: int) -> str:
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    out = []
    for _ in range(width):
        value, rest = divmod(value, 32)
        out.append(alphabet[rest])
    return "".join(reversed(out))


def _check_args(count: int, start: datetime | None, malformed_every: int) -> datetime:
    if count < 0:
        raise ValueError("count must be >= 0")
    if malformed_every < 0:
        raise ValueError("malformed_every must be >= 0")
    if start is None:
        return DEFAULT_START
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware")
    return start.astimezone(UTC)


def generate_labelled(
    count: int, seed: int = 42, start: datetime | None = None, malformed_every: int = 0
) -> Iterator[tuple[RawPost, PostLabel]]:
    """Like ``generate_posts``, with each post's ground truth."""
    begin = _check_args(count, start, malformed_every)
    return _Generator(count, seed, begin, malformed_every).run()


def generate_posts(
    count: int, seed: int = 42, start: datetime | None = None, malformed_every: int = 0
) -> Iterator[RawPost]:
    """Yield ``count`` valid RawPosts in time order over four days from ``start``; same seed, same posts.

    With ``malformed_every=N`` every N-th post is an awkward but schema-valid one (whitespace-only or
    emoji-only text, 20,000 characters, HTML, zero-width characters, a dangling ``in_reply_to``, a
    non-UTC offset, huge counters...). Lines that are invalid RawPosts come from ``malformed_lines``.
    """
    for post, _ in generate_labelled(count, seed, start, malformed_every):
        yield post


def malformed_lines(seed: int = 42) -> list[bytes]:
    """Raw JSON Lines entries a replay must reject, one per kind in ``MALFORMED_KINDS``, in that order."""
    rng = Random(seed)
    number = rng.randint(1_000, 9_999)
    serial = iter(range(1, 100))

    def post(**changes: object) -> dict[str, object]:
        base: dict[str, object] = {
            "schema_version": "1.0",
            "id": f"twitter:malformed-{number}-{next(serial)}",
            "source": "twitter",
            "author": {
                "id": f"twitter-u{number}",
                "handle": "kapotte_regel",
                "followers": rng.randint(0, 500),
            },
            "text": rng.choice(("Storing bij @kabelkat?", "Trein te laat #zwaluwstoring", "Pinstoring?")),
            "created_at": "2025-03-10T09:15:00Z",
            "lang_hint": "nl",
        }
        base.update(changes)
        return base

    def dump(value: object) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()

    whole = dump(post())
    no_text = post()
    del no_text["text"]
    many = {"id": f"twitter-u{number}", "handle": "kapotte_regel", "followers": "many"}
    bad_utf8 = dump(post(text="Storing bij Kabelkat XXXX")).replace(b"XXXX", b"\xff\xfe\xc3(")
    return [
        b"this is not JSON at all: storing bij kabelkat",  # not JSON at all
        whole[: len(whole) // 2],  # truncated JSON, cut in the middle of the object
        b"[" + dump(post()) + b"]",  # a JSON array instead of an object
        dump(no_text),  # missing required field: no "text"
        dump(post(author=many)),  # wrong type: followers is "many"
        dump(post(text="")),  # empty text
        dump(post(mood="boos")),  # unknown field
        bad_utf8,  # invalid UTF-8 bytes inside the text
    ]
