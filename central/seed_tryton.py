"""Load the exported demo book of business into an initialised Tryton database, in-process.

Runs with the central venv's python (it imports trytond); manage.py calls it. Records are created with
``Model.create`` on plain dicts in batches (one transaction, user 0): thousands of records per second, where
proteus' client-side on_change would manage a few dozen. Workflows are not run: sale and opportunity states
are set directly, as a back-office import would.

    .cache/central/venv/bin/python central/seed_tryton.py --config trytond.conf --database repdesk \
        --data demo.json --credentials credentials.json --meta OUT.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from decimal import Decimal
from pathlib import Path

BATCH = 1000
REPS = {"rep.wang": ("王伟", "Wang Wei"), "rep.li": ("李娜", "Li Na"), "rep.zhang": ("张强", "Zhang Qiang")}
MANAGER = ("mgr.chen", ("陈静", "Chen Jing"))
CONSENT = {1: "in", 0: "out", None: None}
# our stage -> Tryton's opportunity state (the module keeps them in step on later writes)
STAGE_STATE = {
    "lead": "lead",
    "qualified": "opportunity",
    "proposal": "opportunity",
    "negotiation": "opportunity",
    "won": "won",
    "lost": "lost",
}


def _records(table: dict) -> list[dict]:
    cols = table["columns"]
    return [dict(zip(cols, row, strict=True)) for row in table["rows"]]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _datetime(value: str) -> dt.datetime:
    # demo timestamps are UTC ('...Z'); Tryton stores naive UTC datetimes
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None, microsecond=0)


def _money(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))


def _batched(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _create(model, vlist: list[dict]) -> list[int]:
    ids: list[int] = []
    for chunk in _batched(vlist):
        ids.extend(r.id for r in model.create(chunk))
    return ids


def seed(config: Path, database: str, data: dict, passwords: dict[str, str]) -> dict:
    from trytond import config as tconfig

    tconfig.update_etc(str(config))
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        timings[name] = round(now - t0, 2)
        t0 = now

    pool = Pool(database)
    pool.init()
    lap("pool_init")
    ids: dict[str, dict] = {}
    today = dt.date.fromisoformat(data["meta"]["today"])
    with Transaction().start(database, 0, context={}) as transaction:
        get = pool.get
        ModelData = get("ir.model.data")
        Currency, Country = get("currency.currency"), get("country.country")
        Party, Company, Employee = get("party.party"), get("company.company"), get("company.employee")
        User = get("res.user")

        (cny,) = Currency.create(
            [
                {
                    "name": "人民币 Chinese Yuan",
                    "code": "CNY",
                    "numeric_code": "156",
                    "symbol": "¥",
                    "rounding": Decimal("0.01"),
                    "digits": 2,
                }
            ]
        )
        (cn,) = Country.create([{"name": "中国 China", "code": "CN", "code3": "CHN", "code_numeric": "156"}])
        (company_party,) = Party.create(
            [
                {
                    "name": "华东康达医疗器械有限公司",
                    "code": "RD-COMPANY",
                    "repdesk_name_en": "East China Kangda Medical Devices Co., Ltd.",
                }
            ]
        )
        (company,) = Company.create(
            [{"party": company_party.id, "currency": cny.id, "timezone": "Asia/Shanghai"}]
        )
        lap("company")

        # users: three reps and a manager, each with an employee of the company
        group = ModelData.get_id
        rep_groups = sorted(
            {
                group("repdesk", "group_rep"),
                group("sale", "group_sale"),
                group("sale_opportunity", "group_opportunity"),
                group("stock", "group_stock"),
            }
        )
        mgr_groups = sorted(
            set(rep_groups + [group("repdesk", "group_manager"), group("sale", "group_sale_admin")])
            - {group("repdesk", "group_rep")}
        )
        people = [(login, names, rep_groups) for login, names in REPS.items()]
        people.append((MANAGER[0], MANAGER[1], mgr_groups))
        emp_parties = Party.create(
            [{"name": zh, "repdesk_name_en": en, "code": f"RD-{login}"} for login, (zh, en), _ in people]
        )
        employees = Employee.create([{"party": p.id, "company": company.id} for p in emp_parties])
        users = User.create(
            [
                {
                    "login": login,
                    "name": f"{zh} {en}",
                    "password": passwords[login],
                    "groups": [("add", groups)],
                    "companies": [("add", [company.id])],
                    "company": company.id,
                    "employees": [("add", [emp.id])],
                    "employee": emp.id,
                    "language": None,
                }
                for (login, (zh, en), groups), emp in zip(people, employees, strict=True)
            ]
        )
        admin = User.search([("login", "=", "admin")])
        User.write(
            admin,
            {
                "companies": [("add", [company.id])],
                "company": company.id,
                "groups": [("add", [group("repdesk", "group_manager")])],
            },
        )
        user_id = {u.login: u.id for u in users}
        employee_id = {login: e.id for (login, _, _), e in zip(people, employees, strict=True)}
        ids["users"] = user_id
        ids["employees"] = employee_id
        lap("users")

    with Transaction().start(database, 0, context={"company": company.id}) as transaction:
        get = pool.get
        ModelData = get("ir.model.data")
        Location, Template, Category = get("stock.location"), get("product.template"), get("product.category")
        Product, Move = get("product.product"), get("stock.move")
        Party, Address, Mechanism = get("party.party"), get("party.address"), get("party.contact_mechanism")
        Contact, Sale, Line = get("repdesk.contact"), get("sale.sale"), get("sale.line")
        Opportunity, Activity, Promotion = (
            get("sale.opportunity"),
            get("repdesk.activity"),
            get("repdesk.promotion"),
        )

        # warehouses: the stock module's default warehouse becomes SH; HZ and NJ get their own locations
        default_wh = Location(ModelData.get_id("stock", "location_warehouse"))
        wh_id: dict[int, int] = {}
        storage_id: dict[int, int] = {}
        for wh in _records(data["warehouses"]):
            values = {
                "name": wh["name_zh"],
                "code": wh["code"],
                "repdesk_name_en": wh["name_en"],
                "repdesk_city": wh["city"],
            }
            if not wh_id:
                Location.write([default_wh], values)
                loc = default_wh
            else:
                inp, out, sto = Location.create(
                    [
                        {"name": f"{wh['code']} 收货 Input", "type": "storage"},
                        {"name": f"{wh['code']} 发货 Output", "type": "storage"},
                        {"name": f"{wh['code']} 库区 Storage", "type": "storage"},
                    ]
                )
                (loc,) = Location.create(
                    [
                        {
                            **values,
                            "type": "warehouse",
                            "input_location": inp.id,
                            "output_location": out.id,
                            "storage_location": sto.id,
                        }
                    ]
                )
                Location.write([inp, out, sto], {"parent": loc.id})
            wh_id[wh["id"]] = loc.id
            storage_id[wh["id"]] = loc.storage_location.id
        ids["warehouses"] = {wh["code"]: wh_id[wh["id"]] for wh in _records(data["warehouses"])}
        lap("warehouses")

        # catalogue
        unit = ModelData.get_id("product", "uom_unit")
        products = _records(data["products"])
        cat_names = sorted({p["category"] for p in products})
        cat_id = dict(zip(cat_names, _create(Category, [{"name": n} for n in cat_names]), strict=True))
        templates = Template.create(
            [
                {
                    "name": p["name_zh"],
                    "code": p["sku"],
                    "repdesk_name_en": p["name_en"],
                    "repdesk_launched_on": _date(p["launched_on"]),
                    "type": "goods",
                    "salable": True,
                    "default_uom": unit,
                    "sale_uom": unit,
                    "list_price": _money(p["list_price_cents"]),
                    "categories": [("add", [cat_id[p["category"]]])],
                    "active": bool(p["active"]),
                    "products": [("create", [{"active": bool(p["active"])}])],
                }
                for p in products
            ]
        )
        with Transaction().set_context(active_test=False):
            variant = {
                v.template.id: v.id for v in Product.search([("template", "in", [t.id for t in templates])])
            }
        pid = {p["id"]: variant[t.id] for p, t in zip(products, templates, strict=True)}
        ids["products"] = {p["sku"]: pid[p["id"]] for p in products}
        ids["templates"] = {p["sku"]: t.id for p, t in zip(products, templates, strict=True)}
        ids["categories"] = cat_id
        lap("products")

        # stock: moves in from lost & found, done, give `quantity`;
        # a future draft move gives the forecast difference
        lost_found = ModelData.get_id("stock", "location_lost_found")
        customer = ModelData.get_id("stock", "location_customer")
        moves = []
        soon = today + dt.timedelta(days=7)
        past = today - dt.timedelta(days=1)
        for s in _records(data["stock_levels"]):
            product, storage = pid[s["product_id"]], storage_id[s["warehouse_id"]]
            base = {"product": product, "unit": unit, "company": company.id}
            priced = {"currency": cny.id, "unit_price": Decimal(0)}  # required for moves to customers
            qty, forecast = float(s["quantity"]), float(s["forecast_quantity"])
            if qty > 0:
                moves.append(
                    {
                        **base,
                        "quantity": qty,
                        "from_location": lost_found,
                        "to_location": storage,
                        "state": "draft",
                        "effective_date": past,
                        "planned_date": past,
                    }
                )
            delta = forecast - qty
            if delta > 0:
                moves.append(
                    {
                        **base,
                        "quantity": delta,
                        "from_location": lost_found,
                        "to_location": storage,
                        "state": "draft",
                        "planned_date": soon,
                    }
                )
            elif delta < 0:
                moves.append(
                    {
                        **base,
                        **priced,
                        "quantity": -delta,
                        "from_location": storage,
                        "to_location": customer,
                        "state": "draft",
                        "planned_date": soon,
                    }
                )
        move_ids = _create(Move, moves)
        # stock moves may only be created as drafts: the workflow's `do` books the on-hand ones
        Move.do(Move.browse([i for i, m in zip(move_ids, moves, strict=True) if m.get("effective_date")]))
        lap("stock")

        # accounts: parties with address, phone and e-mail mechanisms
        accounts = _records(data["accounts"])
        party_ids = _create(
            Party,
            [
                {
                    "code": a["code"],
                    "name": a["name_zh"],
                    "repdesk_name_en": a["name_en"],
                    "repdesk_credit_code": a["credit_code"] or None,
                    "repdesk_region": a["region"],
                    "repdesk_city": a["city"],
                    "repdesk_industry": a["industry"],
                    "repdesk_tier": a["tier"] or None,
                    "repdesk_rep": user_id.get(a["owner"]),
                    "repdesk_next_follow_up": _date(a["next_follow_up"]),
                }
                for a in accounts
            ],
        )
        party_of = {a["id"]: p for a, p in zip(accounts, party_ids, strict=True)}
        address_ids = _create(
            Address,
            [
                {
                    "party": party_of[a["id"]],
                    "street": a["address"] or None,
                    "city": a["city"] or None,
                    "country": cn.id,
                }
                for a in accounts
            ],
        )
        address_of = {a["id"]: ad for a, ad in zip(accounts, address_ids, strict=True)}
        mechanisms = []
        for a in accounts:
            if a["phone"]:
                mechanisms.append({"party": party_of[a["id"]], "type": "phone", "value": a["phone"]})
            if a["email"]:
                mechanisms.append({"party": party_of[a["id"]], "type": "email", "value": a["email"]})
        _create(Mechanism, mechanisms)
        ids["parties"] = {a["code"]: party_of[a["id"]] for a in accounts}
        lap("parties")

        contacts = _records(data["contacts"])
        contact_ids = _create(
            Contact,
            [
                {
                    "party": party_of[c["account_id"]],
                    "name": c["name"],
                    "name_latin": c["name_latin"],
                    "title": c["title"],
                    "phone": c["phone"],
                    "email": c["email"],
                    "wechat": c["wechat"],
                    "language": c["language"] or "zh",
                    "consent_email": CONSENT[c["consent_email"]],
                    "consent_phone": CONSENT[c["consent_phone"]],
                    "consent_sms": CONSENT[c["consent_sms"]],
                    "consent_wechat": CONSENT[c["consent_wechat"]],
                }
                for c in contacts
            ],
        )
        contact_of = {c["id"]: cid for c, cid in zip(contacts, contact_ids, strict=True)}
        ids["contacts"] = {str(k): v for k, v in contact_of.items()}
        lap("contacts")

        # orders: headers in batches, then their lines; states are set directly (no workflow)
        owner_of = {a["id"]: a["owner"] for a in accounts}
        orders = _records(data["orders"])
        lines_by_order: dict[int, list[dict]] = {}
        for line in _records(data["order_lines"]):
            lines_by_order.setdefault(line["order_id"], []).append(line)
        sale_of: dict[int, int] = {}
        n_lines = 0
        # batches of 250: larger ones overflow SQLite's expression depth in Tryton's domain checks
        for chunk in _batched(orders, 250):
            sales = Sale.create(
                [
                    {
                        "number": o["number"],
                        "party": party_of[o["account_id"]],
                        "sale_date": _date(o["order_date"]),
                        "state": "draft",
                        "warehouse": wh_id.get(o["warehouse_id"]) if o["warehouse_id"] else None,
                        "employee": employee_id.get(owner_of[o["account_id"]]),
                        "company": company.id,
                        "currency": cny.id,
                        "invoice_address": address_of[o["account_id"]],
                        "shipment_address": address_of[o["account_id"]],
                        "invoice_party": party_of[o["account_id"]],
                    }
                    for o in chunk
                ]
            )
            line_values = []
            for o, sale in zip(chunk, sales, strict=True):
                sale_of[o["id"]] = sale.id
                for seq, ln in enumerate(lines_by_order.get(o["id"], []), 1):
                    line_values.append(
                        {
                            "sale": sale.id,
                            "sequence": seq,
                            "type": "line",
                            "product": pid[ln["product_id"]],
                            "quantity": float(ln["quantity"]),
                            "unit": unit,
                            "unit_price": _money(ln["unit_price_cents"]),
                            "description": "",
                        }
                    )
            n_lines += len(_create(Line, line_values))
        # then the historical states, straight into the table (the workflow would create thousands of
        # shipments and invoices; a lines check forbids creating lines on non-draft sales)
        cursor = transaction.connection.cursor()
        by_state: dict[str, list[int]] = {}
        for o in orders:
            by_state.setdefault(o["state"], []).append(sale_of[o["id"]])
        for state, sale_ids in by_state.items():
            for chunk in _batched(sale_ids, 500):
                cursor.execute(
                    f"UPDATE sale_sale SET state = ? WHERE id IN ({','.join('?' * len(chunk))})",
                    [state, *chunk],
                )
        ids["sales"] = {o["number"]: sale_of[o["id"]] for o in orders}
        lap("sales")

        opps = _records(data["opportunities"])
        opp_ids = _create(
            Opportunity,
            [
                {
                    "party": party_of[o["account_id"]],
                    "description": o["title"],
                    "amount": _money(o["amount_cents"]),
                    "conversion_probability": max(0, min(100, int(o["probability"]))) / 100,
                    "end_date": _date(o["expected_close"]),
                    "start_date": _date(o["created_at"]) or today,
                    "employee": employee_id.get(o["owner"]),
                    "company": company.id,
                    "currency": cny.id,
                    "state": STAGE_STATE.get(o["stage"], "opportunity"),
                    "repdesk_stage": o["stage"],
                    "address": address_of[o["account_id"]],
                    "lines": [("create", [{"product": pid[o["product_id"]], "quantity": 1.0, "unit": unit}])]
                    if o.get("product_id")
                    else [],
                }
                for o in opps
            ],
        )
        ids["opportunities"] = {str(o["id"]): i for o, i in zip(opps, opp_ids, strict=True)}
        lap("opportunities")

        acts = _records(data["activities"])
        act_ids = _create(
            Activity,
            [
                {
                    "party": party_of[a["account_id"]],
                    "contact": contact_of.get(a["contact_id"]),
                    "kind": a["kind"],
                    "subject": a["subject"],
                    "body": a["body"],
                    "occurred_at": _datetime(a["occurred_at"]),
                    "rep": user_id.get(a["owner"], user_id["mgr.chen"]),
                }
                for a in acts
            ],
        )
        ids["activities"] = {str(a["id"]): i for a, i in zip(acts, act_ids, strict=True)}

        promos = _records(data["promotions"])
        promo_ids = _create(
            Promotion,
            [
                {
                    "competitor": p["competitor"],
                    "region": p["region"],
                    "category": p["category"],
                    "title": p["title"],
                    "discount_pct": float(p["discount_pct"]),
                    "starts_on": _date(p["starts_on"]),
                    "ends_on": _date(p["ends_on"]),
                    "details": p["details"],
                    "source": p["source"],
                }
                for p in promos
            ],
        )
        ids["promotions"] = {str(p["id"]): i for p, i in zip(promos, promo_ids, strict=True)}
        lap("activities_promotions")
        transaction.commit()

    counts = {
        "parties": len(accounts),
        "contacts": len(contacts),
        "products": len(products),
        "warehouses": len(wh_id),
        "stock_moves": len(moves),
        "sales": len(orders),
        "sale_lines": n_lines,
        "opportunities": len(opps),
        "activities": len(acts),
        "promotions": len(promos),
        "users": len(users),
    }
    return {"counts": counts, "ids": ids, "company": company.id, "currency": "CNY", "timings": timings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--credentials", type=Path, required=True)
    parser.add_argument("--meta", type=Path, required=True)
    args = parser.parse_args(argv)
    data = json.loads(args.data.read_text(encoding="utf-8"))
    passwords = json.loads(args.credentials.read_text(encoding="utf-8"))["users"]
    started = time.perf_counter()
    result = seed(args.config, args.database, data, passwords)
    result["seconds"] = round(time.perf_counter() - started, 2)
    args.meta.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        json.dumps({"counts": result["counts"], "seconds": result["seconds"], "timings": result["timings"]})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
