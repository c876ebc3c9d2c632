"""The `repdesk` Tryton module's models.

Field names here are a contract with RepDesk's sync engine (sync/ and its data contract file): rename nothing
without changing both. ``client_id`` columns carry the client-generated id that makes a push exactly-once; the
database enforces their uniqueness, so a retried create fails instead of duplicating.
"""

from __future__ import annotations

from trytond.exceptions import UserError
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

TIERS = [(None, ""), ("A", "A"), ("B", "B"), ("C", "C")]
CONSENT = [(None, "Never asked"), ("in", "Opted in"), ("out", "Opted out")]
STAGES = [
    ("lead", "Lead"),
    ("qualified", "Qualified"),
    ("proposal", "Proposal"),
    ("negotiation", "Negotiation"),
    ("won", "Won"),
    ("lost", "Lost"),
]
# the standard opportunity state that matches each RepDesk stage (kept in step when a stage is written)
STAGE_STATE = {
    "lead": "lead",
    "qualified": "opportunity",
    "proposal": "opportunity",
    "negotiation": "opportunity",
    "won": "won",
    "lost": "lost",
}
STATE_STAGE = {
    "lead": "lead",
    "opportunity": "qualified",
    "converted": "negotiation",
    "won": "won",
    "lost": "lost",
    "cancelled": "lost",
}


OWN_RECORD_MODELS = {"repdesk.contact", "repdesk.activity", "repdesk.feedback"}


class Rule(metaclass=PoolMeta):
    # like res.ir.Rule for res.notification: our record rules compare with the current user
    __name__ = "ir.rule"

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name in OWN_RECORD_MODELS:
            context["user_id"] = Transaction().user
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if model_names & OWN_RECORD_MODELS:
            key = (*key, Transaction().user)
        return key


def _unique_client_id(cls, message: str) -> None:
    t = cls.__table__()
    cls._sql_constraints += [
        ("client_id_unique", Unique(t, t.client_id), message),
    ]


class Party(metaclass=PoolMeta):
    __name__ = "party.party"
    repdesk_name_en = fields.Char("English Name")
    repdesk_credit_code = fields.Char("Unified Social Credit Code")
    repdesk_region = fields.Char("Region")
    repdesk_city = fields.Char("City")
    repdesk_industry = fields.Char("Industry")
    repdesk_tier = fields.Selection(TIERS, "Tier")
    repdesk_rep = fields.Many2One("res.user", "Account Owner", ondelete="SET NULL")
    repdesk_next_follow_up = fields.Date("Next Follow-up")
    repdesk_contacts = fields.One2Many("repdesk.contact", "party", "RepDesk Contacts")


class Contact(ModelSQL, ModelView):
    "RepDesk contact person"

    __name__ = "repdesk.contact"
    party = fields.Many2One("party.party", "Account", required=True, ondelete="CASCADE")
    name = fields.Char("Name", required=True)
    name_latin = fields.Char("Latin Name")
    title = fields.Char("Title")
    phone = fields.Char("Phone")
    email = fields.Char("E-Mail")
    wechat = fields.Char("WeChat")
    language = fields.Selection([("zh", "Chinese"), ("en", "English")], "Language")
    consent_email = fields.Selection(CONSENT, "E-Mail Consent")
    consent_phone = fields.Selection(CONSENT, "Phone Consent")
    consent_sms = fields.Selection(CONSENT, "SMS Consent")
    consent_wechat = fields.Selection(CONSENT, "WeChat Consent")
    client_id = fields.Char("Client ID")
    active = fields.Boolean("Active")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        _unique_client_id(cls, "repdesk.msg_client_id_unique")

    @staticmethod
    def default_active():
        return True

    @staticmethod
    def default_language():
        return "zh"


class Template(metaclass=PoolMeta):
    __name__ = "product.template"
    repdesk_name_en = fields.Char("English Name")
    repdesk_launched_on = fields.Date("Launched On")


class Location(metaclass=PoolMeta):
    __name__ = "stock.location"
    repdesk_name_en = fields.Char("English Name")
    repdesk_city = fields.Char("City")


class Sale(metaclass=PoolMeta):
    __name__ = "sale.sale"
    # the rep who owns the order (standard Tryton only records who quoted / confirmed it)
    employee = fields.Many2One(
        "company.employee", "Employee", ondelete="RESTRICT", domain=[("company", "=", Eval("company", -1))]
    )

    @staticmethod
    def default_employee():
        return Transaction().context.get("employee")


class Opportunity(metaclass=PoolMeta):
    __name__ = "sale.opportunity"
    repdesk_stage = fields.Selection(STAGES, "RepDesk Stage")
    # RepDesk speaks percent (0-100); Tryton stores a 0-1 conversion probability
    probability = fields.Function(
        fields.Integer("Probability (%)"), "get_probability", setter="set_probability"
    )

    @staticmethod
    def default_repdesk_stage():
        return "lead"

    def get_probability(self, name):
        if self.conversion_probability is None:
            return None
        return round(self.conversion_probability * 100)

    @classmethod
    def set_probability(cls, opportunities, name, value):
        if value is None:
            return
        value = max(0, min(100, int(value)))
        with without_check_access():
            super().write(opportunities, {"conversion_probability": value / 100})

    @classmethod
    def write(cls, *args):
        super().write(*args)
        # keep state and stage in step: a rep writes the stage (state is read-only for them), the back office
        # moves the state with the workflow buttons
        actions = iter(args)
        follow_ups = []
        for records, values in zip(actions, actions, strict=True):
            stage = values.get("repdesk_stage")
            if stage and "state" not in values:
                stale = [r for r in records if r.state != STAGE_STATE[stage]]
                if stale:
                    follow_ups.extend((stale, {"state": STAGE_STATE[stage]}))
            state = values.get("state")
            if state and "repdesk_stage" not in values:
                # a back-office workflow move (lead -> opportunity -> won ...) moves the stage along
                stale = [r for r in records if STAGE_STATE.get(r.repdesk_stage) != state]
                if stale:
                    follow_ups.extend((stale, {"repdesk_stage": STATE_STAGE[state]}))
        if follow_ups:
            with without_check_access():
                super().write(*follow_ups)


class Activity(ModelSQL, ModelView):
    "RepDesk activity (call, visit, e-mail, note, task)"

    __name__ = "repdesk.activity"
    party = fields.Many2One("party.party", "Account", required=True, ondelete="CASCADE")
    contact = fields.Many2One(
        "repdesk.contact", "Contact", ondelete="SET NULL", domain=[("party", "=", Eval("party", -1))]
    )
    kind = fields.Selection(
        [("call", "Call"), ("visit", "Visit"), ("email", "E-Mail"), ("note", "Note"), ("task", "Task")],
        "Kind",
        required=True,
    )
    subject = fields.Char("Subject")
    body = fields.Text("Body")
    occurred_at = fields.DateTime("Occurred At", required=True)
    rep = fields.Many2One("res.user", "Rep", required=True, ondelete="RESTRICT")
    client_id = fields.Char("Client ID")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        _unique_client_id(cls, "repdesk.msg_client_id_unique")
        cls._order = [("occurred_at", "DESC"), ("id", "DESC")]

    @staticmethod
    def default_rep():
        return Transaction().user or None

    @classmethod
    def create(cls, vlist):
        # a rep's own creates must carry the exactly-once key; back-office and seeding may omit it
        user = Transaction().user
        if user and _is_rep(user):
            for values in vlist:
                if not values.get("client_id"):
                    raise UserError("repdesk: client_id is required for activities created by a rep")
        return super().create(vlist)


class Promotion(ModelSQL, ModelView):
    "Competitor promotion seen in the field"

    __name__ = "repdesk.promotion"
    competitor = fields.Char("Competitor", required=True)
    region = fields.Char("Region")
    category = fields.Char("Category")
    title = fields.Char("Title", required=True)
    discount_pct = fields.Float("Discount (%)")
    starts_on = fields.Date("Starts On")
    ends_on = fields.Date("Ends On")
    details = fields.Text("Details")
    source = fields.Char("Source")
    active = fields.Boolean("Active")

    @staticmethod
    def default_active():
        return True


class Feedback(ModelSQL, ModelView):
    "A rep's verdict on an on-device suggestion"

    __name__ = "repdesk.feedback"
    client_id = fields.Char("Client ID", required=True)
    suggestion_client_id = fields.Char("Suggestion Client ID")
    verdict = fields.Selection(
        [("accept", "Accept"), ("reject", "Reject"), ("edit", "Edit")], "Verdict", required=True
    )
    reason = fields.Char("Reason")
    reason_text = fields.Text("Reason Text")
    corrected_intent = fields.Char("Corrected Intent")
    edited_text = fields.Text("Edited Text")
    intent = fields.Char("Intent")
    action = fields.Char("Action")
    message_text = fields.Text("Message Text")
    model_id = fields.Char("Model ID")
    pack_version = fields.Char("Pack Version")
    rep = fields.Many2One("res.user", "Rep", required=True, ondelete="RESTRICT")
    created_at_client = fields.DateTime("Created At (client)")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        _unique_client_id(cls, "repdesk.msg_client_id_unique")

    @staticmethod
    def default_rep():
        return Transaction().user or None


def _is_rep(user_id: int) -> bool:
    pool = Pool()
    ModelData = pool.get("ir.model.data")
    User = pool.get("res.user")
    group_id = ModelData.get_id("repdesk", "group_rep")
    with Transaction().set_user(0):
        return any(g.id == group_id for g in User(user_id).groups)
