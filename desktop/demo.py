"""Demo data: a deterministic, believable book of business for an East-China medical-device distributor.

Why: reps and managers judge RepDesk on what they see in the first minute, and tests need a large, stable,
reproducible data set. Everything here derives from ``random.Random`` streams seeded from ``seed`` and from a
fixed ``today`` (never the clock), so the same seed and size always give the same database
(see :func:`content_digest`). Rows are written with ``executemany`` in large transactions so that 100,000
accounts (about 1.5 M orders) fit in a short coffee break.
"""

from __future__ import annotations

import datetime
import hashlib
import queue
import random
import re
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import apsw

DEFAULT_ACCOUNTS = 320
DEFAULT_SEED = 20261204
DEFAULT_TODAY = datetime.date(2026, 12, 1)
HISTORY_DAYS = 730          # two years of order history
MESSAGE_CAP = 5000

INTENTS: tuple[str, ...] = (
    "product_inquiry", "quote_request", "sample_request", "order_status", "delivery_problem",
    "order_change", "refund_return", "invoice_payment", "complaint", "meeting_request", "competitor_mention",
    "renewal_contract", "other",
)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`generate` wrote, for the CLI / UI and for tests."""

    accounts: int
    contacts: int
    products: int
    warehouses: int
    stock_levels: int
    orders: int
    order_lines: int
    opportunities: int
    activities: int
    promotions: int
    messages: int
    seconds: float
    message_intents: dict[str, int]


# ================================================================================================
# Validators (also used by the UI / import checks; the generator plants deliberate failures for them)
# ================================================================================================
_CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"          # GB 32100-2015: no I, O, S, V, Z
_CC_VALUE = {ch: i for i, ch in enumerate(_CC_ALPHABET)}
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)                    # GB 11714-1997 organisation code


def _cc_check_char(body17: str) -> str:
    total = sum(_CC_VALUE[ch] * w for ch, w in zip(body17, _CC_WEIGHTS, strict=True))
    return _CC_ALPHABET[(31 - total % 31) % 31]


def _org_check_char(body8: str) -> str:
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def valid_credit_code(code: str) -> bool:
    """Unified social credit code (统一社会信用代码): 18 chars from the GB 32100 alphabet, check char correct."""
    if not isinstance(code, str):
        return False
    code = code.strip()
    if len(code) != 18 or any(ch not in _CC_VALUE for ch in code):
        return False
    return _cc_check_char(code[:17]) == code[17]


_PHONE_SEPARATORS = re.compile(r"[\s\-.()（）]")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_LANDLINE_RE = re.compile(r"0\d{2,3}\d{7,8}", re.ASCII)
_LANDLINE_INTL_RE = re.compile(r"(?:10|[2-9]\d{1,2})\d{7,8}", re.ASCII)   # +86 21 6234 5678 (area code sans 0)


def valid_cn_phone(phone: str) -> bool:
    """Mainland mobile (optionally +86 / 0086) or landline with area code; spaces, hyphens, dots, brackets allowed."""
    if not isinstance(phone, str):
        return False
    compact = _PHONE_SEPARATORS.sub("", phone.strip())
    intl = False
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            compact, intl = compact[len(prefix):], True
            break
    if not compact.isascii() or not compact.isdigit():
        return False
    if _MOBILE_RE.fullmatch(compact):
        return True
    if intl:
        return bool(_LANDLINE_INTL_RE.fullmatch(compact) or _LANDLINE_RE.fullmatch(compact))
    return bool(_LANDLINE_RE.fullmatch(compact))


_EMAIL_RE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}",
    re.ASCII,
)


def valid_email(email: str) -> bool:
    """Pragmatic address check: local@domain.tld, sane lengths, no spaces, no doubled dots."""
    if not isinstance(email, str):
        return False
    email = email.strip()
    if not email or len(email) > 254 or email.count("@") != 1:
        return False
    if len(email.split("@", 1)[0]) > 64:
        return False
    return bool(_EMAIL_RE.fullmatch(email))


# ================================================================================================
# Reference data
# ================================================================================================
# region (en), province (zh short), weight, warehouse, cities: (zh, en, weight, area code, division prefix, districts)
_REGIONS: tuple[tuple[str, str, int, str, tuple[tuple[str, str, int, str, str, tuple[str, ...]], ...]], ...] = (
    ("Shanghai", "上海", 18, "SH", (
        ("上海", "Shanghai", 1, "021", "3101",
         ("浦东新区", "徐汇区", "静安区", "闵行区", "杨浦区", "普陀区", "长宁区", "宝山区", "嘉定区", "松江区")),
    )),
    ("Jiangsu", "江苏", 24, "NJ", (
        ("南京", "Nanjing", 10, "025", "3201", ("玄武区", "鼓楼区", "秦淮区", "建邺区", "江宁区")),
        ("苏州", "Suzhou", 12, "0512", "3205", ("姑苏区", "吴中区", "相城区", "虎丘区", "吴江区")),
        ("无锡", "Wuxi", 7, "0510", "3202", ("梁溪区", "滨湖区", "新吴区", "锡山区")),
        ("常州", "Changzhou", 6, "0519", "3204", ("天宁区", "钟楼区", "武进区", "新北区")),
        ("南通", "Nantong", 6, "0513", "3206", ("崇川区", "通州区", "海门区")),
        ("扬州", "Yangzhou", 4, "0514", "3210", ("广陵区", "邗江区", "江都区")),
        ("徐州", "Xuzhou", 5, "0516", "3203", ("鼓楼区", "云龙区", "泉山区")),
        ("镇江", "Zhenjiang", 3, "0511", "3211", ("京口区", "润州区", "丹徒区")),
        ("泰州", "Taizhou", 3, "0523", "3212", ("海陵区", "高港区", "姜堰区")),
        ("盐城", "Yancheng", 3, "0515", "3209", ("亭湖区", "盐都区")),
        ("连云港", "Lianyungang", 2, "0518", "3207", ("海州区", "连云区")),
        ("淮安", "Huai'an", 2, "0517", "3208", ("清江浦区", "淮安区")),
        ("宿迁", "Suqian", 2, "0527", "3213", ("宿城区", "宿豫区")),
    )),
    ("Zhejiang", "浙江", 22, "HZ", (
        ("杭州", "Hangzhou", 12, "0571", "3301", ("上城区", "拱墅区", "西湖区", "滨江区", "余杭区", "萧山区")),
        ("宁波", "Ningbo", 8, "0574", "3302", ("海曙区", "鄞州区", "江北区", "北仑区")),
        ("温州", "Wenzhou", 6, "0577", "3303", ("鹿城区", "瓯海区", "龙湾区")),
        ("嘉兴", "Jiaxing", 4, "0573", "3304", ("南湖区", "秀洲区")),
        ("湖州", "Huzhou", 3, "0572", "3305", ("吴兴区", "南浔区")),
        ("绍兴", "Shaoxing", 4, "0575", "3306", ("越城区", "柯桥区", "上虞区")),
        ("金华", "Jinhua", 4, "0579", "3307", ("婺城区", "金东区")),
        ("台州", "Taizhou", 4, "0576", "3310", ("椒江区", "黄岩区", "路桥区")),
        ("衢州", "Quzhou", 2, "0570", "3308", ("柯城区", "衢江区")),
        ("舟山", "Zhoushan", 1, "0580", "3309", ("定海区", "普陀区")),
        ("丽水", "Lishui", 2, "0578", "3311", ("莲都区",)),
    )),
    ("Anhui", "安徽", 9, "NJ", (
        ("合肥", "Hefei", 10, "0551", "3401", ("蜀山区", "庐阳区", "包河区", "瑶海区")),
        ("芜湖", "Wuhu", 4, "0553", "3402", ("镜湖区", "鸠江区", "弋江区")),
        ("蚌埠", "Bengbu", 3, "0552", "3403", ("蚌山区", "龙子湖区")),
        ("马鞍山", "Ma'anshan", 2, "0555", "3405", ("花山区", "雨山区")),
        ("安庆", "Anqing", 3, "0556", "3408", ("迎江区", "大观区")),
        ("黄山", "Huangshan", 1, "0559", "3410", ("屯溪区",)),
        ("滁州", "Chuzhou", 2, "0550", "3411", ("琅琊区", "南谯区")),
        ("阜阳", "Fuyang", 3, "0558", "3412", ("颍州区", "颍东区")),
    )),
    ("Fujian", "福建", 8, "HZ", (
        ("福州", "Fuzhou", 8, "0591", "3501", ("鼓楼区", "台江区", "仓山区", "晋安区")),
        ("厦门", "Xiamen", 8, "0592", "3502", ("思明区", "湖里区", "集美区")),
        ("莆田", "Putian", 2, "0594", "3503", ("城厢区", "荔城区")),
        ("三明", "Sanming", 1, "0598", "3504", ("三元区",)),
        ("泉州", "Quanzhou", 6, "0595", "3505", ("鲤城区", "丰泽区", "洛江区")),
        ("漳州", "Zhangzhou", 3, "0596", "3506", ("芗城区", "龙文区")),
        ("龙岩", "Longyan", 2, "0597", "3508", ("新罗区",)),
    )),
    ("Jiangxi", "江西", 6, "HZ", (
        ("南昌", "Nanchang", 10, "0791", "3601", ("东湖区", "西湖区", "青山湖区", "红谷滩区")),
        ("景德镇", "Jingdezhen", 2, "0798", "3602", ("珠山区", "昌江区")),
        ("九江", "Jiujiang", 4, "0792", "3604", ("浔阳区", "濂溪区")),
        ("赣州", "Ganzhou", 4, "0797", "3607", ("章贡区", "南康区")),
        ("吉安", "Ji'an", 2, "0796", "3608", ("吉州区", "青原区")),
        ("宜春", "Yichun", 2, "0795", "3609", ("袁州区",)),
        ("上饶", "Shangrao", 3, "0793", "3611", ("信州区", "广丰区")),
    )),
    ("Shandong", "山东", 13, "NJ", (
        ("济南", "Jinan", 10, "0531", "3701", ("历下区", "市中区", "槐荫区", "天桥区", "历城区")),
        ("青岛", "Qingdao", 10, "0532", "3702", ("市南区", "市北区", "崂山区", "李沧区", "黄岛区")),
        ("淄博", "Zibo", 4, "0533", "3703", ("张店区", "淄川区")),
        ("烟台", "Yantai", 5, "0535", "3706", ("芝罘区", "莱山区", "福山区")),
        ("潍坊", "Weifang", 5, "0536", "3707", ("奎文区", "潍城区")),
        ("济宁", "Jining", 4, "0537", "3708", ("任城区", "兖州区")),
        ("泰安", "Tai'an", 3, "0538", "3709", ("泰山区", "岱岳区")),
        ("威海", "Weihai", 2, "0631", "3710", ("环翠区", "文登区")),
        ("日照", "Rizhao", 2, "0633", "3711", ("东港区",)),
        ("临沂", "Linyi", 5, "0539", "3713", ("兰山区", "罗庄区", "河东区")),
    )),
)
# Cities next to Shanghai are served from the Shanghai warehouse whatever their province.
_WAREHOUSE_OVERRIDE = {"苏州": "SH", "无锡": "SH", "南通": "SH", "嘉兴": "SH"}
_REGION_OWNER = {"Shanghai": "rep.wang", "Jiangsu": "rep.wang", "Zhejiang": "rep.li", "Fujian": "rep.li",
                 "Jiangxi": "rep.li", "Anhui": "rep.zhang", "Shandong": "rep.zhang"}
_REP_NAMES = {"rep.wang": ("王经理", "Mr. Wang"), "rep.li": ("李经理", "Ms. Li"), "rep.zhang": ("张经理", "Mr. Zhang")}

_WAREHOUSES = (
    (1, "SH", "上海仓", "Shanghai WH", "上海 Shanghai"),
    (2, "HZ", "杭州仓", "Hangzhou WH", "杭州 Hangzhou"),
    (3, "NJ", "南京仓", "Nanjing WH", "南京 Nanjing"),
)
_WH_ID = {code: wid for wid, code, *_ in _WAREHOUSES}

_BRANDS = (
    ("仁和", "Renhe"), ("康宁", "Kangning"), ("华康", "Huakang"), ("瑞康", "Ruikang"), ("德仁", "Deren"),
    ("济民", "Jimin"), ("百草", "Baicao"), ("同心", "Tongxin"), ("安泰", "Antai"), ("永康", "Yongkang"),
    ("惠民", "Huimin"), ("福寿", "Fushou"), ("广济", "Guangji"), ("恒生", "Hengsheng"), ("万家", "Wanjia"),
    ("天和", "Tianhe"), ("泰和", "Taihe"), ("长青", "Changqing"), ("松鹤", "Songhe"), ("康泰", "Kangtai"),
    ("嘉和", "Jiahe"), ("明德", "Mingde"), ("新安", "Xin'an"), ("金桥", "Jinqiao"), ("春晖", "Chunhui"),
    ("怡康", "Yikang"), ("众康", "Zhongkang"), ("复元", "Fuyuan"), ("博爱", "Bo'ai"), ("慈济", "Ciji"),
    ("益民", "Yimin"), ("颐和", "Yihe"), ("宁康", "Ningkang"), ("友谊", "Youyi"), ("江南", "Jiangnan"),
    ("云帆", "Yunfan"), ("晨光", "Chenguang"), ("瑞丰", "Ruifeng"), ("同仁", "Tongren"), ("德济", "Deji"),
    ("保和", "Baohe"), ("利民", "Limin"), ("九州", "Jiuzhou"), ("海川", "Haichuan"), ("润康", "Runkang"),
    ("乐康", "Lekang"), ("尚善", "Shangshan"), ("安心", "Anxin"), ("健民", "Jianmin"), ("百信", "Baixin"),
    ("信和", "Xinhe"), ("至诚", "Zhicheng"), ("恒康", "Hengkang"), ("华方", "Huafang"), ("宏远", "Hongyuan"),
    ("鑫源", "Xinyuan"), ("启明", "Qiming"), ("安平", "Anping"), ("天成", "Tiancheng"), ("丰华", "Fenghua"),
    ("元和", "Yuanhe"), ("正心", "Zhengxin"), ("怀仁", "Huairen"), ("普济", "Puji"), ("景和", "Jinghe"),
    ("远航", "Yuanhang"), ("康瑞", "Kangrui"), ("汇仁", "Huiren"), ("谷生", "Gusheng"), ("和顺", "Heshun"),
    ("永安", "Yong'an"), ("佑康", "Youkang"), ("立德", "Lide"), ("东升", "Dongsheng"), ("华健", "Huajian"),
)
_STREETS = (
    ("人民路", "Renmin Rd"), ("中山路", "Zhongshan Rd"), ("解放路", "Jiefang Rd"), ("建设路", "Jianshe Rd"),
    ("新华路", "Xinhua Rd"), ("长江路", "Changjiang Rd"), ("和平路", "Heping Rd"), ("文化路", "Wenhua Rd"),
    ("胜利路", "Shengli Rd"), ("青年路", "Qingnian Rd"), ("东方路", "Dongfang Rd"), ("学府路", "Xuefu Rd"),
    ("滨江路", "Binjiang Rd"), ("湖滨路", "Hubin Rd"), ("朝阳路", "Chaoyang Rd"), ("北京路", "Beijing Rd"),
    ("延安路", "Yan'an Rd"), ("淮海路", "Huaihai Rd"), ("黄河路", "Huanghe Rd"), ("振华路", "Zhenhua Rd"),
    ("光明路", "Guangming Rd"), ("新民路", "Xinmin Rd"), ("健康路", "Jiankang Rd"), ("东风路", "Dongfeng Rd"),
    ("迎宾路", "Yingbin Rd"), ("工农路", "Gongnong Rd"), ("环城路", "Huancheng Rd"), ("站前路", "Zhanqian Rd"),
    ("花园路", "Huayuan Rd"), ("世纪大道", "Century Ave"),
)
_SUBDISTRICTS = (
    ("新华", "Xinhua"), ("人民", "Renmin"), ("城南", "Chengnan"), ("城东", "Chengdong"), ("城西", "Chengxi"),
    ("城北", "Chengbei"), ("湖滨", "Hubin"), ("长江", "Changjiang"), ("和平", "Heping"), ("东湖", "Donghu"),
    ("南湖", "Nanhu"), ("北苑", "Beiyuan"), ("翠苑", "Cuiyuan"), ("文化", "Wenhua"), ("解放", "Jiefang"),
    ("建设", "Jianshe"), ("光明", "Guangming"), ("春江", "Chunjiang"), ("江湾", "Jiangwan"), ("梅园", "Meiyuan"),
)
_CN_NUM = ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十")

# industry -> weight, tier weights (A, B, C), order interval range (days), size factor, basket size,
#             contacts per account, credit-code registration prefixes (with weights)
_INDUSTRIES: dict[str, tuple[int, tuple[int, int, int], tuple[int, int], float, tuple[int, int], tuple[int, int],
                             tuple[tuple[str, int], ...]]] = {
    "hospital": (7, (40, 40, 20), (24, 40), 4.0, (4, 8), (2, 4), (("12", 8), ("91", 2))),
    "community_health": (10, (10, 40, 50), (28, 50), 1.5, (3, 6), (1, 3), (("12", 1),)),
    "pharmacy": (38, (15, 35, 50), (16, 42), 1.2, (3, 7), (1, 3), (("91", 8), ("92", 2))),
    "clinic": (18, (5, 30, 65), (30, 90), 0.6, (2, 5), (1, 3), (("91", 5), ("92", 2), ("52", 3))),
    "dental": (9, (5, 30, 65), (30, 75), 0.7, (2, 5), (1, 3), (("91", 7), ("52", 3))),
    "elderly_care": (11, (10, 35, 55), (28, 60), 1.0, (2, 6), (1, 3), (("52", 5), ("12", 2), ("91", 3))),
    "distributor": (7, (35, 40, 25), (12, 28), 6.0, (4, 8), (2, 4), (("91", 1),)),
}
_TIER_SIZE = {"A": 2.5, "B": 1.4, "C": 0.8}
_TIER_INTERVAL = {"A": 0.85, "B": 1.0, "C": 1.1}
_TIER_DISCOUNT = {"A": (8, 12), "B": (4, 8), "C": (0, 5)}
_REPEAT_SCALE = 0.9     # keeps the average near 2.4 lines per order

# Name templates: zh, en, weight, international (English-speaking contacts likely).
# {c}/{C} city, {b}/{B} brand, {s}/{S} street, {u}/{U} subdistrict, {d} district, {n}/{N} number, {p}/{P} province
_NAME_TEMPLATES: dict[str, tuple[tuple[str, str, float, bool], ...]] = {
    "hospital": (
        ("{c}{b}医院", "{C} {B} Hospital", 3, False),
        ("{c}市第{n}人民医院", "{C} No. {N} People's Hospital", 2, False),
        ("{c}市中医医院", "{C} Hospital of Traditional Chinese Medicine", 1, False),
        ("{c}{b}中西医结合医院", "{C} {B} Hospital of Integrated Chinese and Western Medicine", 1, False),
        ("{c}市妇幼保健院", "{C} Maternal and Child Health Hospital", 1, False),
        ("{c}{b}国际医疗中心", "{C} {B} International Medical Centre", 0.5, True),
    ),
    "community_health": (
        ("{c}市{d}{u}街道社区卫生服务中心", "{U} Subdistrict Community Health Service Centre, {C}", 3, False),
        ("{c}市{d}{u}社区卫生服务站", "{U} Community Health Station, {C}", 1, False),
    ),
    "pharmacy": (
        ("{c}{b}大药房连锁有限公司", "{C} {B} Pharmacy Chain Co., Ltd.", 2, False),
        ("{c}{b}大药房有限公司", "{C} {B} Pharmacy Co., Ltd.", 2, False),
        ("{c}{b}大药房连锁有限公司{s}店", "{C} {B} Pharmacy Chain Co., Ltd. - {S} Store", 4, False),
        ("{c}{b}堂药店", "{C} {B}tang Drugstore", 1, False),
    ),
    "clinic": (
        ("{c}{b}诊所", "{C} {B} Clinic", 3, False),
        ("{c}{b}中医诊所", "{C} {B} TCM Clinic", 2, False),
        ("{c}{b}内科诊所", "{C} {B} Internal Medicine Clinic", 1, False),
        ("{c}{b}国际医疗门诊部", "{C} {B} International Medical Clinic", 1.5, True),
        ("{c}{d}{b}社区诊所", "{C} {B} Community Clinic", 1, False),
    ),
    "dental": (
        ("{c}{b}口腔诊所", "{C} {B} Dental Clinic", 3, False),
        ("{c}{b}口腔门诊部有限公司", "{C} {B} Stomatology Clinic Co., Ltd.", 2, False),
        ("{c}{b}国际齿科", "{C} {B} International Dental", 0.8, True),
    ),
    "elderly_care": (
        ("{c}{b}养老院", "{C} {B} Elderly Care Home", 3, False),
        ("{c}{b}康养中心", "{C} {B} Senior Wellness Centre", 2, False),
        ("{c}市{b}护理院", "{C} {B} Nursing Home", 2, False),
    ),
    "distributor": (
        ("{c}{b}医疗器械有限公司", "{C} {B} Medical Devices Co., Ltd.", 4, False),
        ("{c}{b}医药有限公司", "{C} {B} Pharmaceutical Co., Ltd.", 2, False),
        ("{p}{b}医疗科技有限公司", "{P} {B} Medical Technology Co., Ltd.", 2, False),
        ("{c}{b}国际贸易有限公司", "{C} {B} International Trading Co., Ltd.", 0.8, True),
    ),
}
_BRANCH_SUFFIX = {"pharmacy": ("第{n}分店", " Branch {N}"), "hospital": ("第{n}分院", " Branch {N}")}
_DOMAIN_SUFFIX = {
    "hospital": ("hospital.cn", "yy.com.cn", "-hospital.com"), "community_health": ("sqws.cn", "chc.org.cn"),
    "pharmacy": ("-pharmacy.cn", "yf.com", "dyf.com.cn"), "clinic": ("clinic.com", "-clinic.cn", "zs.com.cn"),
    "dental": ("dental.cn", "-dental.com", "kq.com.cn"), "elderly_care": ("yanglao.cn", "-care.com.cn"),
    "distributor": ("med.com", "-medical.com.cn", "yl.cn"),
}
_MAILBOXES = {
    "hospital": ("sbk", "caigou", "yjk", "procurement", "office"), "community_health": ("office", "yaofang", "caigou"),
    "pharmacy": ("purchasing", "caigou", "service", "info"), "clinic": ("info", "office", "caigou"),
    "dental": ("info", "frontdesk", "caigou"), "elderly_care": ("office", "houqin", "info"),
    "distributor": ("purchasing", "caigou", "sales", "info"),
}
_FREE_MAIL = ("163.com", "126.com", "qq.com", "139.com", "sina.com")

_SURNAMES = (
    ("王", "Wang", 71), ("李", "Li", 70), ("张", "Zhang", 65), ("刘", "Liu", 53), ("陈", "Chen", 45),
    ("杨", "Yang", 31), ("黄", "Huang", 24), ("赵", "Zhao", 21), ("吴", "Wu", 20), ("周", "Zhou", 20),
    ("徐", "Xu", 17), ("孙", "Sun", 15), ("马", "Ma", 15), ("朱", "Zhu", 14), ("胡", "Hu", 13), ("郭", "Guo", 12),
    ("何", "He", 12), ("高", "Gao", 11), ("林", "Lin", 11), ("罗", "Luo", 10),
)
_GIVEN = (
    ("芳", "Fang"), ("伟", "Wei"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"), ("强", "Qiang"),
    ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("娟", "Juan"),
    ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("秀英", "Xiuying"), ("霞", "Xia"), ("平", "Ping"),
    ("刚", "Gang"), ("桂英", "Guiying"), ("建华", "Jianhua"), ("文", "Wen"), ("华", "Hua"), ("红", "Hong"),
    ("鹏", "Peng"), ("晓东", "Xiaodong"), ("海燕", "Haiyan"), ("丹", "Dan"), ("志强", "Zhiqiang"),
    ("玉兰", "Yulan"), ("建国", "Jianguo"), ("晓明", "Xiaoming"), ("婷", "Ting"), ("雪", "Xue"), ("慧", "Hui"),
    ("宇", "Yu"), ("浩", "Hao"), ("凯", "Kai"), ("佳怡", "Jiayi"), ("子涵", "Zihan"), ("欣怡", "Xinyi"),
    ("俊杰", "Junjie"), ("思远", "Siyuan"), ("立新", "Lixin"), ("春梅", "Chunmei"), ("国强", "Guoqiang"),
    ("丽娟", "Lijuan"), ("雅琴", "Yaqin"), ("晨", "Chen"), ("小红", "Xiaohong"), ("亚楠", "Yanan"), ("斌", "Bin"),
)
_EN_FIRST = ("Emily", "David", "Grace", "Kevin", "Linda", "Michael", "Sophie", "Jason", "Cathy", "Eric", "Helen",
             "Tony", "Vivian", "Frank", "Amy", "Peter", "Jenny", "Leo")
_FOREIGNERS = ("Thomas Becker", "Sarah Miller", "James Wilson", "Anna Schmidt", "Lucas Martin", "Yuki Tanaka",
               "Olivia Brown", "Daniel Kim", "Claire Dubois", "Mark Evans", "Laura Rossi", "Ben Carter")
_TITLES: dict[str, tuple[tuple[str, str], ...]] = {
    "hospital": (("设备科科长", "Head of Equipment Dept."), ("采购中心主任", "Procurement Director"),
                 ("药剂科主任", "Head of Pharmacy"), ("内分泌科护士长", "Head Nurse, Endocrinology"),
                 ("财务科", "Finance Dept."), ("库管员", "Storekeeper")),
    "community_health": (("中心主任", "Centre Director"), ("药房负责人", "Pharmacy Lead"),
                         ("设备管理员", "Equipment Officer"), ("财务", "Finance")),
    "pharmacy": (("采购经理", "Purchasing Manager"), ("店长", "Store Manager"), ("品类经理", "Category Manager"),
                 ("执业药师", "Licensed Pharmacist"), ("财务", "Finance"), ("区域经理", "Area Manager")),
    "clinic": (("院长", "Director"), ("护士长", "Head Nurse"), ("采购", "Purchasing"), ("医生", "Physician")),
    "dental": (("院长", "Director"), ("诊所经理", "Clinic Manager"), ("采购", "Purchasing"),
               ("护士长", "Head Nurse")),
    "elderly_care": (("院长", "Director"), ("护理部主任", "Head of Nursing"), ("后勤主管", "Logistics Supervisor"),
                     ("采购", "Purchasing")),
    "distributor": (("总经理", "General Manager"), ("采购经理", "Purchasing Manager"), ("销售总监", "Sales Director"),
                    ("财务经理", "Finance Manager"), ("仓储主管", "Warehouse Supervisor")),
}
_MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                    "155", "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "183", "185",
                    "186", "187", "188", "189", "198", "199")

# sku, name_zh, name_en, category, unit, price CNY, launched (days before today), base qty per order,
# stock base, repeat probability per order, winter-seasonal
_PRODUCTS: tuple[tuple[str, str, str, str, str, float, int, int, int, float, bool], ...] = (
    ("GM-KD-100", "康达血糖仪 KD-100", "Kangda Blood Glucose Meter KD-100", "glucose_meter", "unit", 168, 2200, 3, 600, 0.25, False),
    ("GM-KD-200", "康达智能血糖仪 KD-200（蓝牙）", "Kangda Smart Glucose Meter KD-200 (Bluetooth)", "glucose_meter", "unit", 298, 820, 3, 800, 0.3, False),
    ("GM-KD-300", "康达新款血糖仪 KD-300（免调码·语音播报）", "Kangda Glucose Meter KD-300 (no coding, voice)", "glucose_meter", "unit", 388, 35, 3, 300, 0.45, False),
    ("GM-HN-50", "华诺血糖仪 HN-50", "Huanuo Glucose Meter HN-50", "glucose_meter", "unit", 158, 1500, 3, 40, 0.25, False),
    ("GM-ML-PRO", "Medilink 血糖血酮二合一仪", "Medilink GlucoKet Pro Meter (glucose + ketone)", "glucose_meter", "unit", 580, 430, 2, 150, 0.2, False),
    ("TS-KD-050", "康达血糖试纸 50片/盒", "Kangda Glucose Test Strips, 50/box", "test_strip", "box", 88, 2200, 12, 6000, 0.8, False),
    ("TS-KD-100", "康达血糖试纸 100片/盒", "Kangda Glucose Test Strips, 100/box", "test_strip", "box", 158, 2200, 10, 5000, 0.8, False),
    ("TS-KD-300-050", "康达 KD-300 专用试纸 50片/盒", "Kangda KD-300 Test Strips, 50/box", "test_strip", "box", 98, 35, 8, 900, 0.8, False),
    ("TS-HN-050", "华诺血糖试纸 50片/盒", "Huanuo Glucose Test Strips, 50/box", "test_strip", "box", 82, 1500, 10, 2500, 0.75, False),
    ("TS-ML-KET", "Medilink 血酮试纸 10片/盒", "Medilink Ketone Test Strips, 10/box", "test_strip", "box", 120, 430, 4, 400, 0.5, False),
    ("LN-KD-100", "康达一次性采血针 28G 100支/盒", "Kangda Safety Lancets 28G, 100/box", "lancet", "box", 35, 2400, 10, 5000, 0.7, False),
    ("LN-KD-PEN", "康达采血笔", "Kangda Lancing Device", "lancet", "unit", 28, 2400, 5, 1500, 0.3, False),
    ("LN-HN-200", "华诺扭盖式采血针 200支/盒", "Huanuo Twist Lancets, 200/box", "lancet", "box", 52, 1500, 6, 1800, 0.6, False),
    ("BP-KD-A10", "康达上臂式电子血压计 A10", "Kangda Upper-Arm BP Monitor A10", "bp_monitor", "unit", 199, 1800, 3, 900, 0.35, False),
    ("BP-KD-A20", "康达上臂式电子血压计 A20（双人记忆·语音）", "Kangda Upper-Arm BP Monitor A20 (2 users, voice)", "bp_monitor", "unit", 299, 900, 3, 900, 0.35, False),
    ("BP-KD-W5", "康达腕式电子血压计 W5", "Kangda Wrist BP Monitor W5", "bp_monitor", "unit", 169, 1300, 2, 500, 0.3, False),
    ("BP-KD-A30", "康达智能血压计 A30（4G联网）", "Kangda Connected BP Monitor A30 (4G)", "bp_monitor", "unit", 499, 60, 2, 250, 0.4, False),
    ("BP-HN-880", "华诺上臂式血压计 HN-880", "Huanuo Upper-Arm BP Monitor HN-880", "bp_monitor", "unit", 239, 1100, 2, 500, 0.3, False),
    ("BP-ML-CLIN", "Medilink 医用台式电子血压计", "Medilink Clinical Desktop BP Monitor", "bp_monitor", "unit", 1680, 1000, 1, 120, 0.15, False),
    ("BP-KD-CUF", "康达血压计袖带 22-42cm", "Kangda BP Cuff 22-42 cm", "bp_monitor", "unit", 45, 1800, 3, 1200, 0.4, False),
    ("OX-KD-F1", "康达指夹式血氧仪 F1", "Kangda Fingertip Pulse Oximeter F1", "oximeter", "unit", 129, 1400, 3, 1000, 0.35, True),
    ("OX-KD-F3", "康达指夹式血氧仪 F3（OLED·儿童款）", "Kangda Fingertip Oximeter F3 (OLED, paediatric)", "oximeter", "unit", 189, 380, 2, 400, 0.3, True),
    ("OX-ML-H200", "Medilink 手持式血氧仪 H200", "Medilink Handheld Pulse Oximeter H200", "oximeter", "unit", 1280, 900, 1, 90, 0.15, False),
    ("TH-KD-IR1", "康达红外额温枪 IR1", "Kangda Infrared Forehead Thermometer IR1", "thermometer", "unit", 89, 1700, 4, 1500, 0.3, True),
    ("TH-KD-IR2", "康达耳额两用红外体温计 IR2", "Kangda Ear & Forehead Thermometer IR2", "thermometer", "unit", 159, 75, 3, 500, 0.4, True),
    ("TH-KD-E10", "康达电子体温计 E10", "Kangda Digital Thermometer E10", "thermometer", "unit", 19, 2400, 15, 4000, 0.4, True),
    ("NB-KD-C1", "康达压缩式雾化器 C1", "Kangda Compressor Nebulizer C1", "nebulizer", "unit", 259, 1600, 2, 500, 0.25, True),
    ("NB-KD-M2", "康达便携网式雾化器 M2", "Kangda Portable Mesh Nebulizer M2", "nebulizer", "unit", 329, 600, 2, 400, 0.25, True),
    ("NB-KD-KIT", "康达雾化面罩套装（成人/儿童）", "Kangda Nebulizer Mask Kit (adult/child)", "nebulizer", "pack", 25, 1600, 10, 3000, 0.5, True),
    ("IN-KD-432", "康达胰岛素笔用针头 4mm 32G 100支/盒", "Kangda Pen Needles 4 mm 32G, 100/box", "insulin_needle", "box", 118, 1900, 8, 3000, 0.75, False),
    ("IN-KD-531", "康达胰岛素笔用针头 5mm 31G 100支/盒", "Kangda Pen Needles 5 mm 31G, 100/box", "insulin_needle", "box", 108, 1900, 6, 2000, 0.7, False),
    ("IN-HN-432", "华诺胰岛素笔针头 4mm 100支/盒", "Huanuo Pen Needles 4 mm, 100/box", "insulin_needle", "box", 99, 1200, 6, 1500, 0.7, False),
    ("IN-KD-SYR", "康达胰岛素注射器 1ml 100支/盒", "Kangda Insulin Syringes 1 ml, 100/box", "insulin_needle", "box", 65, 2400, 5, 1500, 0.5, False),
    ("CGM-KD-S14", "康达动态血糖传感器（14天）", "Kangda CGM Sensor, 14-day", "cgm", "unit", 399, 640, 4, 1200, 0.6, False),
    ("CGM-KD-TX", "康达动态血糖发射器", "Kangda CGM Transmitter", "cgm", "unit", 699, 640, 1, 300, 0.2, False),
    ("CGM-KD-S15", "康达第二代动态血糖传感器（15天·免校准）", "Kangda CGM Sensor Gen 2 (15-day, calibration-free)", "cgm", "unit", 459, 20, 4, 200, 0.6, False),
    ("CGM-ML-S10", "Medilink 动态血糖监测系统（10天）", "Medilink CGM System, 10-day", "cgm", "unit", 520, 500, 3, 400, 0.5, False),
    ("HA-KD-B1", "康达耳背式助听器 B1", "Kangda Behind-the-Ear Hearing Aid B1", "hearing", "unit", 1280, 1500, 1, 150, 0.12, False),
    ("HA-KD-C2", "康达耳内式助听器 C2（可充电）", "Kangda In-the-Canal Hearing Aid C2 (rechargeable)", "hearing", "unit", 2680, 400, 1, 80, 0.12, False),
    ("HA-KD-BAT", "助听器电池 A13 60粒", "Hearing Aid Batteries A13, 60 pcs", "hearing", "pack", 45, 1500, 6, 1500, 0.5, False),
    ("MB-KD-WC1", "康达手动轮椅（折叠·铝合金）", "Kangda Folding Aluminium Wheelchair", "mobility", "unit", 980, 2000, 1, 300, 0.15, False),
    ("MB-KD-WC5", "康达电动轮椅 E5", "Kangda Electric Wheelchair E5", "mobility", "unit", 4580, 700, 1, 60, 0.1, False),
    ("MB-KD-WK2", "康达四脚助行器", "Kangda Four-Leg Walker", "mobility", "unit", 168, 2000, 2, 600, 0.2, False),
    ("MB-KD-CN1", "康达四脚拐杖", "Kangda Quad Cane", "mobility", "unit", 79, 2000, 3, 800, 0.2, False),
    ("MB-KD-RL3", "康达带座助行车", "Kangda Rollator with Seat", "mobility", "unit", 680, 900, 1, 200, 0.15, False),
    ("MB-KD-BED", "康达手动护理床（双摇）", "Kangda Manual Nursing Bed (2-crank)", "mobility", "unit", 2380, 1400, 1, 80, 0.1, False),
    ("CS-KD-SY5", "一次性使用无菌注射器 5ml 100支/盒", "Disposable Sterile Syringes 5 ml, 100/box", "consumable", "box", 48, 2600, 12, 8000, 0.75, False),
    ("CS-KD-IV1", "一次性使用输液器（带针）50套/盒", "Disposable Infusion Sets with Needle, 50/box", "consumable", "box", 95, 2600, 10, 6000, 0.75, False),
    ("CS-KD-MSK", "医用外科口罩 50只/盒", "Surgical Masks (YY 0469), 50/box", "consumable", "box", 35, 2000, 15, 9000, 0.6, True),
    ("CS-KD-N95", "医用防护口罩 N95 20只/盒", "Medical Protective Masks N95, 20/box", "consumable", "box", 68, 2000, 6, 3000, 0.35, True),
    ("CS-KD-GLV", "丁腈检查手套 100只/盒", "Nitrile Examination Gloves, 100/box", "consumable", "box", 42, 2300, 12, 8000, 0.7, False),
    ("CS-KD-ALC", "医用酒精棉片 100片/盒", "Alcohol Prep Pads, 100/box", "consumable", "box", 15, 2600, 12, 9000, 0.6, False),
    ("CS-KD-GZE", "医用纱布块 10cm×10cm 100片/包", "Medical Gauze Swabs 10x10 cm, 100/pack", "consumable", "pack", 28, 2600, 8, 5000, 0.5, False),
    ("CS-KD-CTN", "医用棉签 50支×20包", "Medical Cotton Swabs, 20 packs of 50", "consumable", "pack", 22, 2600, 8, 5000, 0.5, False),
    ("DX-KD-AG20", "新冠/甲乙流抗原联合检测试剂盒 20人份", "COVID-19 / Flu A+B Antigen Combo Test, 20 tests", "diagnostic", "box", 260, 700, 4, 1500, 0.35, True),
    ("DX-KD-AG01", "新冠抗原检测试剂（单人份）", "COVID-19 Antigen Rapid Test, single", "diagnostic", "unit", 12, 1400, 20, 10000, 0.3, True),
    ("DX-KD-U10", "尿液分析试纸 11项 100条/瓶", "Urinalysis Strips, 11 parameters, 100/bottle", "diagnostic", "bottle", 68, 2000, 4, 1500, 0.45, False),
    ("DX-KD-UA3", "康达三合一多功能检测仪（血糖/尿酸/胆固醇）", "Kangda 3-in-1 Meter (glucose / uric acid / cholesterol)", "diagnostic", "unit", 368, 550, 2, 300, 0.2, False),
    ("DX-KD-UAS", "尿酸试纸 25片/盒", "Uric Acid Test Strips, 25/box", "diagnostic", "box", 75, 550, 5, 1500, 0.55, False),
    ("DX-KD-HCG", "早孕检测试纸", "hCG Pregnancy Test Strip", "diagnostic", "unit", 8, 2400, 20, 8000, 0.4, False),
    ("RS-KD-O3", "康达家用制氧机 3L（带雾化）", "Kangda Home Oxygen Concentrator 3 L (with nebulizer)", "respiratory", "unit", 2680, 1300, 1, 150, 0.12, True),
    ("RS-KD-O5", "康达医用制氧机 5L", "Kangda Medical Oxygen Concentrator 5 L", "respiratory", "unit", 3980, 1300, 1, 120, 0.12, True),
    ("RS-KD-O10", "康达医用制氧机 10L", "Kangda Medical Oxygen Concentrator 10 L", "respiratory", "unit", 4480, 900, 1, 50, 0.1, True),
    ("RS-KD-NC", "一次性鼻氧管 50根/盒", "Disposable Nasal Oxygen Cannula, 50/box", "respiratory", "box", 60, 2000, 3, 1500, 0.5, True),
    ("TP-KD-T10", "康达低频脉冲理疗仪 T10", "Kangda TENS Unit T10", "therapy", "unit", 299, 1100, 1, 300, 0.2, False),
    ("TP-KD-PAD", "理疗仪电极片 4片装", "TENS Electrode Pads, 4/pack", "therapy", "pack", 25, 1100, 6, 2000, 0.5, False),
    ("DT-KD-SUC", "一次性牙科吸唾管 100支/袋", "Disposable Saliva Ejectors, 100/bag", "dental", "bag", 25, 1800, 6, 3000, 0.7, False),
    ("DT-KD-BIB", "一次性牙科围兜 125片/包", "Dental Patient Bibs, 125/pack", "dental", "pack", 45, 1800, 4, 2500, 0.6, False),
    ("DT-KD-MIR", "一次性口腔检查盒 50套/箱", "Disposable Dental Exam Kits, 50 sets/case", "dental", "case", 90, 1800, 3, 1500, 0.6, False),
)
_DISCONTINUED = {"GM-HN-50": 150}   # sku -> days before today when the centre stopped selling it
_CATEGORY_NAMES = {
    "glucose_meter": ("血糖仪", "glucose meters"), "test_strip": ("血糖试纸", "test strips"),
    "lancet": ("采血针", "lancets"), "bp_monitor": ("血压计", "BP monitors"), "oximeter": ("血氧仪", "oximeters"),
    "thermometer": ("体温计", "thermometers"), "nebulizer": ("雾化器", "nebulizers"),
    "insulin_needle": ("胰岛素针头", "pen needles"), "cgm": ("动态血糖", "CGM sensors"),
    "hearing": ("助听器", "hearing aids"), "mobility": ("轮椅助行器", "mobility aids"),
    "consumable": ("医用耗材", "consumables"), "diagnostic": ("检测试剂", "rapid tests"),
    "respiratory": ("制氧机", "oxygen concentrators"), "therapy": ("理疗仪", "TENS units"),
    "dental": ("口腔耗材", "dental consumables"),
}
_UNIT_ZH = {"box": "盒", "unit": "台", "pack": "包", "bottle": "瓶", "bag": "袋", "case": "箱"}

_B_PHARMACY = {
    "GM-KD-100": 6, "GM-KD-200": 8, "GM-HN-50": 4, "GM-ML-PRO": 2, "TS-KD-050": 10, "TS-KD-100": 8,
    "TS-HN-050": 5, "TS-ML-KET": 1, "LN-KD-100": 7, "LN-KD-PEN": 4, "LN-HN-200": 3, "BP-KD-A10": 8,
    "BP-KD-A20": 7, "BP-KD-W5": 5, "BP-HN-880": 4, "BP-KD-CUF": 2, "OX-KD-F1": 6, "OX-KD-F3": 3, "TH-KD-IR1": 6,
    "TH-KD-E10": 7, "NB-KD-C1": 3, "NB-KD-M2": 3, "NB-KD-KIT": 3, "IN-KD-432": 4, "IN-HN-432": 3,
    "CGM-KD-S14": 2, "CS-KD-MSK": 6, "CS-KD-N95": 3, "CS-KD-ALC": 4, "CS-KD-CTN": 4, "DX-KD-AG01": 5,
    "DX-KD-AG20": 2, "DX-KD-UA3": 3, "DX-KD-UAS": 3, "DX-KD-HCG": 5, "TP-KD-T10": 2, "TP-KD-PAD": 2,
    "HA-KD-B1": 1, "HA-KD-BAT": 2, "MB-KD-CN1": 2, "MB-KD-WK2": 1, "RS-KD-O3": 1,
}
_B_HOSPITAL = {
    "TS-KD-100": 8, "GM-KD-200": 4, "GM-ML-PRO": 2, "LN-KD-100": 6, "IN-KD-432": 5, "IN-KD-531": 3,
    "IN-KD-SYR": 3, "CGM-KD-S14": 3, "CGM-KD-TX": 1, "CGM-ML-S10": 2, "BP-ML-CLIN": 3, "BP-KD-CUF": 3,
    "OX-ML-H200": 3, "TH-KD-E10": 3, "NB-KD-C1": 2, "NB-KD-KIT": 3, "CS-KD-SY5": 8, "CS-KD-IV1": 8,
    "CS-KD-MSK": 7, "CS-KD-N95": 4, "CS-KD-GLV": 7, "CS-KD-ALC": 6, "CS-KD-GZE": 5, "CS-KD-CTN": 4,
    "DX-KD-AG20": 4, "DX-KD-U10": 4, "RS-KD-O10": 2, "RS-KD-NC": 4, "MB-KD-WC1": 2, "MB-KD-BED": 1,
}
_BASKETS: dict[str, dict[str, int]] = {
    "hospital": _B_HOSPITAL,
    "community_health": {
        "GM-KD-200": 5, "GM-KD-100": 3, "TS-KD-050": 8, "TS-KD-100": 5, "LN-KD-100": 6, "BP-KD-A10": 5,
        "BP-KD-A20": 3, "BP-ML-CLIN": 2, "BP-KD-CUF": 3, "OX-KD-F1": 4, "TH-KD-IR1": 4, "TH-KD-E10": 4,
        "IN-KD-432": 4, "CS-KD-SY5": 6, "CS-KD-IV1": 5, "CS-KD-MSK": 6, "CS-KD-GLV": 5, "CS-KD-ALC": 6,
        "CS-KD-CTN": 4, "DX-KD-AG20": 4, "DX-KD-AG01": 3, "DX-KD-U10": 4, "NB-KD-C1": 2, "NB-KD-KIT": 3,
    },
    "pharmacy": _B_PHARMACY,
    "clinic": {
        "GM-KD-200": 4, "TS-KD-050": 6, "LN-KD-100": 5, "BP-KD-A20": 4, "BP-ML-CLIN": 2, "OX-KD-F1": 4,
        "OX-KD-F3": 2, "TH-KD-IR1": 4, "TH-KD-E10": 4, "NB-KD-C1": 3, "NB-KD-M2": 3, "NB-KD-KIT": 4,
        "CS-KD-SY5": 6, "CS-KD-IV1": 4, "CS-KD-MSK": 6, "CS-KD-GLV": 6, "CS-KD-ALC": 6, "CS-KD-GZE": 4,
        "CS-KD-CTN": 4, "DX-KD-AG20": 5, "DX-KD-AG01": 3, "DX-KD-U10": 4, "DX-KD-UA3": 2, "TP-KD-T10": 1,
    },
    "dental": {
        "CS-KD-MSK": 8, "CS-KD-GLV": 9, "CS-KD-GZE": 4, "CS-KD-CTN": 5, "CS-KD-ALC": 4, "CS-KD-SY5": 3,
        "DT-KD-SUC": 9, "DT-KD-BIB": 8, "DT-KD-MIR": 8, "TH-KD-IR1": 2, "OX-KD-F1": 2, "BP-KD-A10": 1,
    },
    "elderly_care": {
        "MB-KD-WC1": 7, "MB-KD-WC5": 2, "MB-KD-WK2": 6, "MB-KD-CN1": 5, "MB-KD-RL3": 5, "MB-KD-BED": 4,
        "OX-KD-F1": 7, "OX-ML-H200": 2, "BP-KD-A20": 6, "BP-KD-CUF": 2, "GM-KD-200": 4, "TS-KD-050": 5,
        "LN-KD-100": 3, "TH-KD-IR1": 4, "TH-KD-E10": 3, "RS-KD-O3": 3, "RS-KD-O5": 4, "RS-KD-NC": 4,
        "NB-KD-C1": 3, "NB-KD-KIT": 2, "HA-KD-B1": 2, "HA-KD-BAT": 3, "CS-KD-MSK": 5, "CS-KD-GLV": 5,
        "CS-KD-ALC": 3, "TP-KD-T10": 2, "TP-KD-PAD": 2,
    },
    "distributor": {sku: _B_PHARMACY.get(sku, 0) + _B_HOSPITAL.get(sku, 0)
                    for sku in list(_B_PHARMACY) + [s for s in _B_HOSPITAL if s not in _B_PHARMACY]},
}
# A device in the basket brings its consumable; new models join some baskets that hold their predecessor.
_COMPANIONS = {
    "GM-KD-100": "TS-KD-050", "GM-KD-200": "TS-KD-100", "GM-HN-50": "TS-HN-050", "GM-ML-PRO": "TS-ML-KET",
    "CGM-KD-S14": "CGM-KD-TX", "NB-KD-C1": "NB-KD-KIT", "NB-KD-M2": "NB-KD-KIT", "TP-KD-T10": "TP-KD-PAD",
    "RS-KD-O5": "RS-KD-NC", "RS-KD-O3": "RS-KD-NC", "HA-KD-B1": "HA-KD-BAT", "DX-KD-UA3": "DX-KD-UAS",
}
_NEW_MODELS = (  # (trigger category, new skus, share of such baskets that adopt them)
    ("glucose_meter", ("GM-KD-300", "TS-KD-300-050"), 0.35),
    ("bp_monitor", ("BP-KD-A30",), 0.15),
    ("cgm", ("CGM-KD-S15",), 0.4),
    ("thermometer", ("TH-KD-IR2",), 0.3),
)
# Fixed stock situations so that "out of stock" / "low stock" actions always have evidence in the demo.
_STOCK_SPECIAL = (  # sku, warehouse, kind, incoming (as a share of stock base)
    ("GM-KD-300", "HZ", "zero", 0.6), ("GM-KD-300", "NJ", "low", 0.3), ("CGM-KD-S15", "HZ", "zero", 0.0),
    ("CGM-KD-S15", "NJ", "zero", 0.5), ("CGM-KD-S15", "SH", "low", 0.2), ("OX-KD-F3", "NJ", "zero", 0.0),
    ("RS-KD-O5", "HZ", "zero", 0.4), ("TS-KD-300-050", "SH", "low", 0.5), ("CS-KD-N95", "NJ", "low", 0.0),
    ("HA-KD-C2", "SH", "zero", 0.0), ("TH-KD-IR2", "HZ", "low", 0.3), ("BP-KD-A30", "NJ", "zero", 0.5),
    ("GM-HN-50", "SH", "low", 0.0), ("GM-HN-50", "HZ", "zero", 0.0), ("GM-HN-50", "NJ", "zero", 0.0),
)

_COMPETITORS = (("瑞和医疗", "Ruihe Medical"), ("安康达", "Ankangda"), ("Medisure", "Medisure"),
                ("百益康", "Baiyikang"), ("恒优医疗", "Hengyou Medical"))
_PROMO_TEMPLATES = (  # category, title, discount %, details
    ("test_strip", "买二送一 试纸促销", 33.0, "血糖试纸买二送一，限门店零售渠道，需陈列在收银台旁。"),
    ("test_strip", "试纸年度集采让利", 18.0, "面向医院年度集采，报价较我司低约18%，账期90天。"),
    ("test_strip", "Buy 10 boxes, get 2 free on strips", 16.7, "Strips bundle for pharmacy chains, min. 10 boxes."),
    ("glucose_meter", "买试纸送血糖仪", 100.0, "一次性采购试纸满40盒赠送血糖仪2台。"),
    ("glucose_meter", "Meter trade-in: CNY 100 off", 25.0, "Trade in any old meter for CNY 100 off a new one."),
    ("bp_monitor", "15% off BP monitors for pharmacy chains", 15.0, "Chains with 5+ stores, until stock lasts."),
    ("bp_monitor", "血压计 老人节特惠", 20.0, "上臂式血压计特价，门店POP物料免费提供。"),
    ("cgm", "CGM 首月免费试用", 100.0, "诊所和内分泌科首月传感器免费，之后按月订阅。"),
    ("cgm", "Free CGM starter kits for clinics", 100.0, "Starter kit (transmitter + 2 sensors) free for new clinics."),
    ("oximeter", "血氧仪冬季特价", 22.0, "指夹式血氧仪冬季特价，量大可再议。"),
    ("thermometer", "额温枪 第二台半价", 25.0, "秋冬季额温枪第二台半价。"),
    ("consumable", "口罩手套组合价", 12.0, "外科口罩+丁腈手套组合采购价下调12%。"),
    ("consumable", "10% off syringes & infusion sets", 10.0, "Tender price for county hospitals, 12-month lock."),
    ("mobility", "轮椅助行器 养老机构专供价", 15.0, "养老院、护理院采购轮椅助行器享专供价并免费送货安装。"),
    ("respiratory", "制氧机 以旧换新", 12.0, "旧制氧机折价500元换购新款5L制氧机。"),
    ("hearing", "助听器免费验配周", 10.0, "门店助听器免费验配活动，首副九折。"),
    ("insulin_needle", "笔针头 满50盒减8%", 8.0, "胰岛素笔针头满50盒减8%。"),
    ("diagnostic", "抗原联检试剂 冬季备货价", 20.0, "流感季抗原联合检测试剂备货价。"),
)
_PROMO_SOURCES = ("rep field report", "distributor price list", "customer forwarded flyer", "WeChat moments post",
                  "tender announcement", "trade show")

# ================================================================================================
# Inbound message templates (intent -> language -> templates); placeholders are filled per message.
# ================================================================================================
MESSAGE_TEMPLATES: dict[str, dict[str, list[str]]] = {
    "product_inquiry": {
        "zh": [
            "最近有新款血糖仪吗？想给门店上几台。",
            "{rep}您好，请问{product}现在还有货吗？最近顾客问得比较多，想了解一下参数和零售指导价。",
            "你好，想咨询下你们的动态血糖（CGM）产品，传感器能用几天？是扫码还是蓝牙？我们内分泌科想先了解一下。",
            "请问{sku}和上一代比有什么区别？是不是免调码的？适配的试纸要不要换？",
            "你们有没有适合养老院用的指夹式血氧仪，要能连续监测、带报警的那种？",
        ],
        "en": [
            "Hi {rep}, do you have any new glucose meters this quarter? We'd like to put a couple on display in our stores.",
            "Could you send me the spec sheet for {device}? Mainly the accuracy standard and whether it supports Bluetooth.",
            "Hello, we're an international clinic in {city}. Do you carry pulse oximeters suitable for paediatric patients?",
        ],
    },
    "quote_request": {
        "zh": [
            "麻烦报个价：{product} {qty}{unit}，含税含运费，送到{city}。",
            "{rep}，下个月要补货，{sku}要{qty}{unit}，能给个阶梯价吗？量大一点能不能再优惠些？",
            "我们准备{year}年试纸集采，请提供{product}的报价单和三证（注册证、生产许可证、经营许可证）复印件，加盖公章。",
            "请问{product}现在什么价格？上次是按{price}元拿的，这次有没有调整？",
        ],
        "en": [
            "Please quote {qty} x {product} ({sku}), delivered to our {city} site, VAT included.",
            "Hi {rep}, we're reviewing suppliers for {year}. Can you send your best price for {product} at {qty} {unit} per month? We'd need 60-day payment terms.",
            "What's your current price on {sku}? Our last order was at CNY {price} per {unit}; is that still valid?",
        ],
    },
    "sample_request": {
        "zh": [
            "能不能先寄两台{device}样机过来？我们试用一下再决定。",
            "{rep}您好，科室想试用一下{product}，方便的话寄一盒样品过来，收件人{name}，地址还是{address}。",
            "新款的试纸能给点样品吗？想让店里几个老顾客试试准不准。",
            "听说你们出了{device}，有没有演示机？下周院内设备评审会要用。",
        ],
        "en": [
            "Could you send us 2 demo units of {device}? Our nurses want to try them before we commit.",
            "Hi, we'd like samples of {sku} for evaluation - a box or two is enough. Usual address, attention {name}.",
            "Is there a trial kit for the new CGM sensor? Our endocrinologist wants to test it on a few patients.",
        ],
    },
    "order_status": {
        "zh": [
            "订单{order}发货了吗？门店那边在催了。",
            "{rep}你好，我们{date_past}下的单{order}到现在还没收到，能帮忙查一下物流吗？",
            "请问{order}预计哪天能到？需要提前安排库房收货。",
            "查下单子{order}的状态，谢谢。",
        ],
        "en": [
            "Where is my order {order}? It was due on Monday.",
            "Hi {rep}, any update on {order}? Could you share the tracking number?",
            "Can you confirm the expected delivery date for order {order}? Our stock of {product} is running low.",
        ],
    },
    "delivery_problem": {
        "zh": [
            "{order}今天到货了，但是{product}少了{short}{unit}，装箱单上写的是{qty}{unit}，麻烦核实一下。",
            "收到的货外箱压坏了，有两台屏幕裂了，订单号{order}，照片已经拍好了，怎么处理？",
            "你们发的{product}效期只剩4个月了，我们要求至少12个月效期，订单{order}，能不能换货？",
            "快递说地址不详把货退回去了？！订单{order}，我们地址一直没变过，请尽快重新安排。",
        ],
        "en": [
            "Order {order} arrived today but we only received {received} of {qty} {unit} of {product}. Please advise.",
            "Two units in shipment {order} were damaged in transit - cracked displays. Photos attached. How do you want to handle this?",
            "The courier left our delivery for {order} at the wrong building and nobody signed for it. Can you check with the carrier?",
        ],
    },
    "order_change": {
        "zh": [
            "订单{order}能改一下吗？{product}数量改成{qty}{unit}，其他不变。",
            "不好意思，{order}先别发，我们预算还没批下来，能不能先暂停？",
            "{rep}，刚下的单{order}里再加{qty}{unit}{product}，能一起发吗？",
            "订单{order}取消吧，这边不需要了，麻烦确认一下。",
        ],
        "en": [
            "Please change order {order}: {product} should be {qty} {unit}. Everything else stays the same.",
            "Can we cancel {order}? The department's budget was frozen this week. Sorry for the trouble.",
            "Could you add {qty} {unit} of {sku} to {order} before it ships, and deliver to our new branch instead?",
        ],
    },
    "refund_return": {
        "zh": [
            "上次{order}里的{device}有三台开机就报错E-3，要求退货，麻烦安排上门取件。",
            "顾客反映{device}测量值偏差大，我们想退掉这批，订单号{order}，退款走原账户。",
            "{order}多发了{short}{unit}，我们没订这么多，是退回去还是下次抵扣？",
            "想问下退货流程，近效期的产品能不能换成新批号的？",
        ],
        "en": [
            "We need to return {short} x {device} from order {order} - they show error E-3 on start-up. Please arrange pickup and a credit note.",
            "Requesting a refund for {order}; the items arrived after the event they were ordered for. What's your return policy?",
            "Some boxes of {sku} in {order} expire in 3 months. Can we exchange them for a fresher lot?",
        ],
    },
    "invoice_payment": {
        "zh": [
            "{order}的增值税专用发票还没收到，财务月底要做账，麻烦尽快开一下。",
            "发票抬头开错了，应该是{account}，税号{credit}，麻烦重开。",
            "{rep}，{order}的货款{amount}已经付了，请查收并确认一下。",
            "对账单上{order}的金额和我们系统里的不一致，能发一份明细吗？",
        ],
        "en": [
            "We haven't received the VAT invoice (fapiao) for {order}. Our finance team closes the month on Friday - could you issue it today?",
            "Payment for {order} ({amount}) was made yesterday by bank transfer. Please confirm receipt.",
            "The statement shows {order} as overdue but we paid it last week. Can you check and send an updated statement?",
        ],
    },
    "complaint": {
        "zh": [
            "你们这服务也太差了，{order}拖了一个星期都没发，打电话也没人接，再这样我们就换供应商了。",
            "{device}这个月坏了好几台，顾客都找到店里来了，质量到底怎么回事？",
            "说好业务员每月来一次，已经两个月没见人了，有问题都找不到人。",
            "价格说调就调，也不提前通知，我们门店标签都打好了，很被动。",
        ],
        "en": [
            "This is the third late delivery this quarter. {order} was promised for last week. We are seriously considering other suppliers.",
            "Very disappointed with the latest {device} batch - several units failed within a month. We expect a proper explanation.",
            "Nobody answered our calls yesterday and the order portal was down. This is not acceptable for a hospital supplier.",
        ],
    },
    "meeting_request": {
        "zh": [
            "{rep}，下周有空来一趟吗？想当面聊聊明年的采购计划。",
            "我们院长想听一下你们动态血糖的方案，{date}下午两点方便吗？",
            "能不能约个时间，给门店店员做一次血糖仪使用培训？下周三之前最好。",
            "年底了，想约你对一下今年的账和返利，{date}上午可以吗？",
        ],
        "en": [
            "Hi {rep}, could we set up a meeting next week to go over our {year} requirements?",
            "Our medical director would like a demo of the CGM system. Are you available on {date} in the afternoon?",
            "Can you come by the clinic sometime this week? We'd like to discuss training for the new nurses.",
        ],
    },
    "competitor_mention": {
        "zh": [
            "{competitor}那边给的价格比你们低15%左右，还买二送一，你们能跟吗？",
            "{competitor}的业务员来过了，{product}报价{price}元，还送血糖仪，你们这边有什么政策？",
            "我们在考虑换{competitor}的血压计，他们账期给到90天。你们如果不调整我们就先试试他们的。",
            "听说{competitor}在做门店陈列补贴，你们有没有类似的支持？",
        ],
        "en": [
            "{competitor} offered us 15% off BP monitors for the next quarter. Can you match that?",
            "FYI, {competitor} is pushing their CGM sensors hard in {city} - free starter kits for clinics. What can you offer?",
            "We received a quote from {competitor} at CNY {price} for a comparable {product}. Let us know if you can get closer to that.",
        ],
    },
    "renewal_contract": {
        "zh": [
            "我们的年度供货合同12月底到期，{year}年续签的条件麻烦先发一份过来。",
            "{rep}，合同到期了，续约的话价格能不能保持不变？",
            "明年的框架协议我们想把CGM也加进去，续签前能不能一起谈一下？",
            "合同续签需要你们提供最新的营业执照和医疗器械经营许可证，盖章版扫描件发我邮箱。",
        ],
        "en": [
            "Our supply agreement expires on 31 December. Please send the renewal terms for {year}.",
            "Before we renew the contract, we'd like to review pricing on {product} and the payment terms.",
            "Hi {rep}, the framework contract is up for renewal - can we keep the current rebate structure?",
        ],
    },
    "other": {
        "zh": [
            "谢谢{rep}，上次的货都收到了，辛苦了！",
            "新年快乐！感谢一年来的支持。",
            "【通知】本店联系电话变更为{phone}，请更新通讯录。",
            "恭喜您获得年终大礼包！点击 http://t.cn/A6x9Kq 领取，回T退订",
        ],
        "en": [
            "Thanks {rep}, all good on our side. Have a nice weekend!",
            "Out of office: I am away until Monday with limited access to email.",
            "Congratulations! Your company has been selected for an exclusive supplier listing. Click here to claim your badge.",
        ],
    },
}
_SPAM = {("other", "zh", 3), ("other", "en", 2)}
_SUBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "product_inquiry": {"zh": ("产品咨询：{product}", "新品咨询", "咨询 {sku}"),
                        "en": ("Enquiry: {product}", "New products?", "Product question - {sku}")},
    "quote_request": {"zh": ("询价：{product}", "报价申请", "{year}年采购报价"),
                      "en": ("Request for quotation - {sku}", "RFQ: {product}", "Price request")},
    "sample_request": {"zh": ("样品申请", "申请试用 {product}"), "en": ("Sample request", "Demo units - {sku}")},
    "order_status": {"zh": ("订单{order}物流查询", "催货：{order}"), "en": ("Order {order} - status?", "Delivery date for {order}")},
    "delivery_problem": {"zh": ("到货问题：{order}", "{order} 收货异常"), "en": ("Problem with delivery {order}", "Shortage on {order}")},
    "order_change": {"zh": ("修改订单{order}", "订单变更"), "en": ("Change to order {order}", "Order amendment")},
    "refund_return": {"zh": ("退货申请：{order}", "退换货"), "en": ("Return request - {order}", "RMA / credit note")},
    "invoice_payment": {"zh": ("发票问题：{order}", "付款确认"), "en": ("Invoice for {order}", "Payment confirmation")},
    "complaint": {"zh": ("投诉", "服务问题反馈"), "en": ("Complaint", "Service issues")},
    "meeting_request": {"zh": ("约见面", "拜访时间"), "en": ("Meeting request", "Can we meet?")},
    "competitor_mention": {"zh": ("价格问题", "关于价格政策"), "en": ("Competing offer", "Pricing")},
    "renewal_contract": {"zh": ("{year}年合同续签", "合同到期"), "en": ("Contract renewal {year}", "Renewal terms")},
    "other": {"zh": ("感谢", "通知"), "en": ("Thanks", "Automatic reply")},
}
_INTENT_WEIGHTS = {
    "product_inquiry": 12, "quote_request": 11, "sample_request": 5, "order_status": 14, "delivery_problem": 8,
    "order_change": 6, "refund_return": 4, "invoice_payment": 8, "complaint": 5, "meeting_request": 6,
    "competitor_mention": 6, "renewal_contract": 5, "other": 10,
}
_ORDER_INTENTS = {"order_status", "delivery_problem", "order_change", "refund_return", "invoice_payment", "complaint"}
_RECENT_ORDER_INTENTS = {"order_status", "delivery_problem", "order_change"}   # about an order of the last weeks
_DEVICE_CATEGORIES = {"glucose_meter", "bp_monitor", "oximeter", "thermometer", "nebulizer", "hearing", "mobility",
                      "respiratory", "therapy"}

# Activity templates: kind -> (subject zh, body zh, subject en, body en)
_ACTIVITY_TEMPLATES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "call": (
        ("电话回访：{product_zh}使用情况", "与{contact}电话沟通，{product_zh}使用反馈良好，预计月底前补货约{qty}{unit_zh}。",
         "Follow-up call: {product_en}", "Spoke with {contact}; feedback on {product_en} is positive. Expect a re-order of about {qty} {unit_en} before month end."),
        ("电话跟进报价", "已电话确认{product_zh}报价，对方需走内部审批，预计下周答复。",
         "Quote follow-up call", "Confirmed pricing for {product_en} by phone. Needs internal approval; answer expected next week."),
        ("催收货款", "提醒{order}货款已到期，财务表示本周内安排付款。",
         "Payment reminder", "Reminded them that payment for {order} is due. Finance promised to pay this week."),
        ("电话沟通竞品情况", "{contact}提到{competitor_zh}在做促销，价格比我们低约10%，需申请特价支持。",
         "Call re competitor pricing", "{contact} mentioned {competitor_en} is running a promotion about 10% below our price. Need special pricing approval."),
    ),
    "visit": (
        ("拜访{short}", "现场拜访{contact}，查看陈列和库存，{product_zh}库存偏低，建议补货。",
         "Visit to {short_en}", "On-site visit with {contact}; checked display and stock. {product_en} running low, suggested a re-order."),
        ("科室拜访：介绍动态血糖", "向内分泌科介绍CGM方案，护士长有兴趣试用，待安排样品。",
         "Dept. visit: CGM introduction", "Presented the CGM offer to the endocrinology team; the head nurse wants a trial. Samples to be arranged."),
        ("季度业务回顾", "与{contact}回顾本季度采购情况，讨论明年框架协议及返利政策。",
         "Quarterly business review", "Reviewed this quarter's purchases with {contact}; discussed next year's framework agreement and rebates."),
        ("店员培训", "为店员做{product_zh}使用培训，共{n}人参加。",
         "Staff training", "Trained {n} staff on {product_en}."),
    ),
    "email": (
        ("发送报价单及资质文件", "已发送{product_zh}报价单、注册证及经营许可证扫描件。",
         "Quote and certificates sent", "Sent the {product_en} quotation with registration certificate and distribution licence scans."),
        ("发送对账单", "已发送本月对账单，请客户财务核对{order}等订单金额。",
         "Statement sent", "Sent this month's statement; asked finance to check {order} and the other open items."),
        ("新品介绍邮件", "发送新品资料：{new_zh}，附价格和上市时间。",
         "New product mail-out", "Sent details of the new {new_en}, with pricing and launch date."),
    ),
    "note": (
        ("竞品动态", "{competitor_zh}在本区域推{category_zh}促销，客户有意比价。",
         "Competitor activity", "{competitor_en} is promoting {category_en} in the region; the customer wants to compare prices."),
        ("客户偏好", "{contact}偏好微信沟通，下午两点后方便；发票需开增值税专票。",
         "Customer preferences", "{contact} prefers WeChat, best after 2 pm; needs special VAT invoices."),
        ("付款习惯", "账期一般60天，年底资金紧张，付款可能延迟。",
         "Payment habits", "Usually pays at 60 days; cash is tight at year end, so expect delays."),
    ),
    "task": (
        ("跟进样品试用反馈", "样品已寄出，一周后电话回访试用情况。",
         "Follow up on sample trial", "Samples shipped; call in a week for trial feedback."),
        ("准备续签材料", "合同将于年底到期，准备续签报价及资质文件。",
         "Prepare renewal documents", "Contract expires at year end; prepare the renewal quote and certificates."),
    ),
}
_ACTIVITY_KINDS = ("call", "visit", "email", "note", "task")
_ACTIVITY_KIND_CW = tuple(accumulate((35, 25, 20, 15, 5)))

# Opportunity templates per industry: title zh, title en, sku
_OPP_TEMPLATES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "hospital": (("{year}年度血糖试纸集采", "{year} glucose test strip tender", "TS-KD-100"),
                 ("内分泌科动态血糖（CGM）试点项目", "CGM pilot for endocrinology dept.", "CGM-KD-S15"),
                 ("病房血氧仪更新", "Ward pulse oximeter replacement", "OX-ML-H200"),
                 ("门诊台式血压计采购", "Outpatient desktop BP monitors", "BP-ML-CLIN"),
                 ("{year}年度一次性耗材框架协议", "{year} consumables framework agreement", "CS-KD-IV1")),
    "community_health": (("家庭医生签约 血糖仪配置", "Glucose meters for family-doctor programme", "GM-KD-200"),
                         ("社区慢病管理血压计项目", "Chronic-care BP monitoring (4G monitors)", "BP-KD-A30"),
                         ("{year}年度试纸采购", "{year} test strip supply", "TS-KD-050")),
    "pharmacy": (("{n}家门店血压计陈列升级", "BP monitor display upgrade, {n} stores", "BP-KD-A20"),
                 ("新款血糖仪KD-300首批铺货", "KD-300 meter launch listing", "GM-KD-300"),
                 ("秋冬季额温枪/血氧仪备货", "Winter thermometer & oximeter stocking", "TH-KD-IR2"),
                 ("助听器专柜试点（{n}家门店）", "Hearing aid counter pilot ({n} stores)", "HA-KD-C2"),
                 ("{year}年度试纸返利协议", "{year} strip rebate agreement", "TS-KD-050")),
    "clinic": (("诊所快速检测设备配置", "Point-of-care testing set-up", "DX-KD-UA3"),
               ("冬季抗原检测试剂备货", "Winter antigen test stocking", "DX-KD-AG20"),
               ("雾化器采购", "Nebulizer purchase", "NB-KD-M2")),
    "dental": (("{year}年口腔耗材年度协议", "{year} dental consumables annual supply", "DT-KD-MIR"),
               ("新诊室耗材首单", "First order for new treatment rooms", "DT-KD-BIB")),
    "elderly_care": (("养老院制氧机采购项目", "Oxygen concentrators for care home", "RS-KD-O5"),
                     ("护理床及轮椅更新", "Nursing beds and wheelchairs refresh", "MB-KD-BED"),
                     ("入住老人血氧/血压监测方案", "Resident SpO2 / BP monitoring", "OX-KD-F1"),
                     ("新楼助行器配置", "Mobility aids for the new wing", "MB-KD-RL3")),
    "distributor": (("{year}年度区域代理协议续签", "{year} regional distribution agreement renewal", "TS-KD-100"),
                    ("县级医院CGM渠道合作", "CGM channel partnership for county hospitals", "CGM-KD-S14"),
                    ("血压计区域分销", "Regional BP monitor distribution deal", "BP-KD-A20"),
                    ("防疫物资冬季备货", "Winter PPE stocking", "CS-KD-MSK")),
}
_STAGE_PROB = {"lead": (10, 20), "qualified": (20, 40), "proposal": (40, 60), "negotiation": (60, 90)}


# ================================================================================================
# Helpers
# ================================================================================================
def _pick(rng: random.Random, items: Sequence[Any], cum: Sequence[float]) -> Any:
    """Weighted choice with precomputed cumulative weights (faster than rng.choices in loops)."""
    return items[bisect_right(cum, rng.random() * cum[-1])]


def _cn_num(n: int) -> str:
    return _CN_NUM[n] if n <= 10 else str(n)


def _ts(day: datetime.date, seconds: int) -> str:
    """ISO-8601 UTC text for ``day`` plus a number of seconds."""
    return (datetime.datetime(day.year, day.month, day.day) + datetime.timedelta(seconds=seconds)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def _mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def _format_mobile(rng: random.Random, digits: str) -> str:
    style = rng.random()
    if style < 0.35:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if style < 0.7:
        return digits
    if style < 0.85:
        return f"+86 {digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"


def _landline(rng: random.Random, area: str) -> str:
    local = str(rng.randint(2, 8)) + f"{rng.randrange(10_000_000):07d}"
    style = rng.random()
    if style < 0.55:
        return f"{area}-{local}"
    if style < 0.8:
        return f"{area}-{local[:4]} {local[4:]}"
    if style < 0.9:
        return f"({area}) {local[:4]} {local[4:]}"
    return f"{area} {local[:4]} {local[4:]}"


def _invalid_phone(rng: random.Random, area: str) -> str:
    kind = rng.randrange(5)
    m = _mobile(rng)
    if kind == 0:
        return f"{m[:3]} {m[3:7]} {m[7:10]}"                     # too short
    if kind == 1:
        return f"{m[:3]}-{m[3:5]}O{m[6:7]}-{m[7:]}"              # letter O for zero
    if kind == 2:
        return f"{m[:3]} {m[3:7]} {m[7:]}{rng.randrange(10)}"    # 12 digits
    if kind == 3:
        return f"{area}-6{rng.randrange(1000, 9999)}abc"          # letters
    return "待补充"                                              # "to be added"


def _phone(rng: random.Random, area: str, landline_share: float, invalid_share: float) -> str:
    r = rng.random()
    if r < invalid_share:
        return _invalid_phone(rng, area)
    if r < invalid_share + landline_share:
        return _landline(rng, area)
    return _format_mobile(rng, _mobile(rng))


def _credit_code(rng: random.Random, prefix: str, division: str) -> str:
    if prefix.startswith("9") and rng.random() < 0.6:
        body = "MA" + "".join(rng.choice(_CC_ALPHABET) for _ in range(6))
    else:
        body = f"{rng.randrange(100_000_000):08d}"
    org = body + _org_check_char(body)
    seventeen = prefix + division + org
    return seventeen + _cc_check_char(seventeen)


def _spoil_credit_code(rng: random.Random, code: str) -> str:
    """A deliberately invalid code of the kinds seen in real ERP data."""
    kind = rng.randrange(4)
    if kind == 0 or (kind == 2 and code.lower() == code):
        wrong = _CC_ALPHABET[(_CC_VALUE[code[17]] + 1 + rng.randrange(30)) % 31]
        return code[:17] + wrong                                  # wrong check char
    if kind == 1:
        return code[: 15 + rng.randrange(2)] if rng.random() < 0.5 else code + str(rng.randrange(10))  # length
    if kind == 2:
        return code.lower()                                        # lowercase letters
    return f"{code[2:8]}{rng.randrange(1_000_000_000):09d}"    # old 15-digit registration number


def _unit_zh(product: tuple) -> str:
    """Chinese measure word: 台 for devices, 个 for other single items (sensors, test cassettes)."""
    if product[4] == "unit" and product[3] not in _DEVICE_CATEGORIES and product[0] != "DX-KD-UA3":
        return "个"
    return _UNIT_ZH[product[4]]


def _date_zh(d: datetime.date) -> str:
    return f"{d.month}月{d.day}日"


def _date_en(d: datetime.date) -> str:
    return f"{d.strftime('%A')} {d.day} {d.strftime('%B')}"


def _yuan(cents: int) -> str:
    return f"{cents / 100:,.2f}"


def _short_price(cents: int) -> str:
    text = f"{cents / 100:.2f}"
    return text.rstrip("0").rstrip(".")


# ================================================================================================
# The generator
# ================================================================================================
def _pipelined(chunks: Iterator[Any], consume: Callable[[Any], None]) -> None:
    """Produce chunks of rows in a helper thread while this thread writes the previous chunk.

    Why: apsw releases the GIL inside SQLite, so pure-Python row generation overlaps the database work on a
    second core. Chunks arrive in order from a single producer, so the output stays deterministic; the
    connection is only ever used from the calling thread.
    """
    q: queue.Queue[tuple[int, Any]] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        q.put((0, chunk), timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put((1, None))
        except BaseException as exc:  # handed to the consumer, re-raised there
            q.put((2, exc))

    worker = threading.Thread(target=produce, name="repdesk-demo-producer", daemon=True)
    worker.start()
    try:
        while True:
            kind, item = q.get()
            if kind == 1:
                break
            if kind == 2:
                raise item
            consume(item)
    finally:
        stop.set()
        worker.join()


def _staged_insert(conn: apsw.Connection, table: str, columns: Sequence[str], rows: Sequence[tuple],
                   copies: dict[str, str] | None = None) -> None:
    """Insert through a TEMP staging table and one INSERT ... SELECT.

    Why: accounts and contacts feed the FTS5 search index by trigger; with one INSERT statement per row every
    statement opens a savepoint and FTS5 flushes its pending terms to disk each time (a tiny segment per row,
    then endless merging). One statement per chunk lets FTS5 build large segments: about twice as fast.
    ``copies`` maps extra target columns to staged ones (e.g. remote_id <- id).
    """
    stage = f"_demo_stage_{table}"
    cols = ", ".join(columns)
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {cols} FROM main.{table} WHERE 0")
    conn.executemany(f"INSERT INTO temp.{stage} VALUES ({', '.join('?' * len(columns))})", rows)
    extra = copies or {}
    target = cols + "".join(f", {k}" for k in extra)
    source = cols + "".join(f", {v}" for v in extra.values())
    conn.execute(f"INSERT INTO main.{table}({target}) SELECT {source} FROM temp.{stage} ORDER BY id")
    conn.execute(f"DELETE FROM temp.{stage}")


@dataclass
class _Acct:
    """Per-account facts that later phases (orders, opportunities, messages) need."""

    id: int
    name_zh: str
    name_en: str
    short_zh: str
    short_en: str
    region: str
    city_zh: str
    city_en: str
    area: str
    industry: str
    tier: str
    owner: str
    phone: str
    credit: str
    address: str
    lang: str
    basket: list[tuple[int, int, int, int, float, float, float, float]]
    interval: float
    annual_cents: int
    created: int          # day offset relative to today (negative = past)
    prospect: bool        # no orders yet
    contacts: list[int]


class _Generator:
    def __init__(self, conn: apsw.Connection, accounts: int, seed: int, today: datetime.date,
                 progress: Progress | None) -> None:
        self.conn = conn
        self.n = accounts
        self.seed = seed
        self.today = today
        self.progress = progress
        self.synced = _ts(today - datetime.timedelta(days=1), 22 * 3600)
        # separate streams so that e.g. the catalogue does not depend on the number of accounts
        self.rng_catalogue = random.Random(f"{seed}:catalogue")
        self.rng_accounts = random.Random(f"{seed}:accounts")
        self.rng_orders = random.Random(f"{seed}:orders")
        self.rng_misc = random.Random(f"{seed}:misc")
        self.rng_messages = random.Random(f"{seed}:messages")
        self.products: list[tuple] = []
        self.pid: dict[str, int] = {}
        self.accts: list[_Acct] = []
        self.contact_rows: list[tuple[int, str, str, str, str, str, str]] = []  # acct, name, latin, lang, email, wechat, phone
        self.last_order: list[tuple[str, int, int, int, int, str] | None] = []   # number, day, pid, qty, total, state
        self.active_promos: dict[str, list[tuple[int, str]]] = {}
        self.counts: dict[str, int] = {}
        self._iso: dict[int, str] = {}

    def _tick(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(phase, done, total)

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def iso(self, offset: int) -> str:
        """'YYYY-MM-DD' for a day offset from today (cached: called a million times at 100k accounts)."""
        text = self._iso.get(offset)
        if text is None:
            text = self._iso[offset] = self.day(offset).isoformat()
        return text

    def work_ts(self, rnd: Callable[[], float], offset: int) -> str:
        """A timestamp during Beijing office hours (08:30-18:30 CST = 00:30-10:30 UTC) on a day offset."""
        sec = 1800 + int(rnd() * 36000)
        return f"{self.iso(offset)}T{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}Z"

    # -- catalogue ---------------------------------------------------------------------------------
    def catalogue(self) -> None:
        rng = self.rng_catalogue
        self._tick("catalogue", 0, 3)
        with self.conn:
            self.conn.executemany(
                "INSERT INTO warehouses(id, remote_id, remote_write_date, code, name_zh, name_en, city) "
                "VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6)",
                [(wid, self.synced, code, zh, en, city) for wid, code, zh, en, city in _WAREHOUSES])
            rows = []
            for i, (sku, zh, en, cat, unit, price, launched, *_rest) in enumerate(_PRODUCTS, start=1):
                self.pid[sku] = i
                active = 0 if sku in _DISCONTINUED else 1
                rows.append((i, self.synced, sku, zh, en, cat, unit, round(price * 100),
                             self.day(-launched).isoformat(), active))
            self.conn.executemany(
                "INSERT INTO products(id, remote_id, remote_write_date, sku, name_zh, name_en, category, unit, "
                "list_price_cents, launched_on, active) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", rows)
            self.products = list(_PRODUCTS)
            self._tick("catalogue", 2, 3)
            special = {(sku, wh): (kind, inc) for sku, wh, kind, inc in _STOCK_SPECIAL}
            as_of = _ts(self.today, 1800)   # 08:30 Beijing time
            wh_factor = {"SH": 1.2, "HZ": 1.0, "NJ": 0.9}
            stock = []
            for i, p in enumerate(_PRODUCTS, start=1):
                base = p[8]
                for wid, code, *_ in _WAREHOUSES:
                    qty = int(base * wh_factor[code] * (0.5 + rng.random()))
                    fc = qty * (0.85 + 0.3 * rng.random())
                    if (p[0], code) in special:
                        kind, inc = special[(p[0], code)]
                        qty = 0 if kind == "zero" else max(1, int(base * (0.01 + 0.04 * rng.random())))
                        fc = qty + base * inc * (0.8 + 0.4 * rng.random())
                    stock.append((i, wid, float(qty), float(round(fc)), as_of))
            self.conn.executemany(
                "INSERT INTO stock_levels(product_id, warehouse_id, quantity, forecast_quantity, as_of) "
                "VALUES (?, ?, ?, ?, ?)", stock)
        self.counts.update(products=len(_PRODUCTS), warehouses=len(_WAREHOUSES), stock_levels=len(stock))
        self._tick("catalogue", 3, 3)

    # -- accounts and contacts ---------------------------------------------------------------------
    def accounts(self) -> None:
        n = self.n
        _pipelined(self._account_chunks(), self._write_accounts)
        self.counts.update(accounts=n, contacts=len(self.contact_rows))
        self._tick("accounts", n, n)

    def _account_chunks(self) -> Iterator[tuple[int, list[tuple], list[tuple]]]:
        """Accounts with their contacts, in chunks of 10,000 accounts (runs in the producer thread)."""
        rng = self.rng_accounts
        rnd = rng.random
        regions = list(_REGIONS)
        region_cw = list(accumulate(r[2] for r in regions))
        city_cw = [list(accumulate(c[2] for c in r[4])) for r in regions]
        ind_names = list(_INDUSTRIES)
        ind_cw = list(accumulate(_INDUSTRIES[k][0] for k in ind_names))
        tmpl_cw = {k: list(accumulate(t[2] for t in v)) for k, v in _NAME_TEMPLATES.items()}
        surname_cw = list(accumulate(s[2] for s in _SURNAMES))
        tier_cw = {k: list(accumulate(v[1])) for k, v in _INDUSTRIES.items()}
        cc_choice = {k: ([p for p, _ in v[6]], list(accumulate(w for _, w in v[6]))) for k, v in _INDUSTRIES.items()}
        basket_src = {}
        for ind, weights in _BASKETS.items():
            skus = [s for s, w in weights.items() if w > 0]
            basket_src[ind] = (skus, list(accumulate(weights[s] for s in skus)))
        prod_by_sku = {p[0]: p for p in _PRODUCTS}
        launch_off = {p[0]: HISTORY_DAYS - p[6] for p in _PRODUCTS}           # first orderable day index
        end_off = {sku: HISTORY_DAYS - d for sku, d in _DISCONTINUED.items()}
        n_brands, n_streets, n_subd, n_given = len(_BRANDS), len(_STREETS), len(_SUBDISTRICTS), len(_GIVEN)
        wx_alphabet = "abcdefghijkmnpqrstuvwxyz0123456789"
        used_names: set[str] = set()
        n = self.n
        acct_rows: list[tuple] = []
        contact_rows: list[tuple] = []
        cid = 0
        chunk = 10_000

        for a in range(1, n + 1):
            ri = bisect_right(region_cw, rnd() * region_cw[-1])
            region_en, prov_zh, _w, _wh, cities = regions[ri]
            city_zh, city_en, _cw, area, division, districts = cities[bisect_right(city_cw[ri], rnd() * city_cw[ri][-1])]
            industry = ind_names[bisect_right(ind_cw, rnd() * ind_cw[-1])]
            _iw, _tw, (iv_lo, iv_hi), size_f, (bk_lo, bk_hi), (ct_lo, ct_hi), _cc = _INDUSTRIES[industry]
            tier = "ABC"[bisect_right(tier_cw[industry], rnd() * 100)]
            owner = _REGION_OWNER[region_en]
            if rnd() < 0.12:
                owner = "rep.li" if owner == "rep.wang" else "rep.wang"
            di = int(rnd() * len(districts))
            district = districts[di]

            # name: retry a few template/brand picks, then fall back to a branch suffix
            templates = _NAME_TEMPLATES[industry]
            tcw = tmpl_cw[industry]
            for _attempt in range(4):
                tz, te, _tw2, intl = templates[bisect_right(tcw, rnd() * tcw[-1])]
                bz, be = _BRANDS[int(rnd() * n_brands)]
                sz, se = _STREETS[int(rnd() * n_streets)]
                uz, ue = _SUBDISTRICTS[int(rnd() * n_subd)]
                num = 1 + int(rnd() * 7)
                fields = {"c": city_zh, "C": city_en, "b": bz, "B": be, "s": sz, "S": se, "u": uz, "U": ue,
                          "d": district, "n": _CN_NUM[num], "N": num, "p": prov_zh, "P": region_en}
                name_zh = tz.format(**fields)
                if name_zh not in used_names:
                    name_en = te.format(**fields)
                    break
            else:
                sfx_zh, sfx_en = _BRANCH_SUFFIX.get(industry, ("第{n}分部", " Branch {N}"))
                k = 2
                while (name_zh + sfx_zh.format(n=_cn_num(k))) in used_names:
                    k += 1
                name_zh += sfx_zh.format(n=_cn_num(k))
                name_en = te.format(**fields) + sfx_en.format(N=k)
            used_names.add(name_zh)
            short_zh, short_en = city_zh + bz, f"{city_en} {be}"

            prefixes, pcw = cc_choice[industry]
            prefix = prefixes[0] if len(prefixes) == 1 else prefixes[bisect_right(pcw, rnd() * pcw[-1])]
            credit = _credit_code(rng, prefix, f"{division}{di + 2:02d}")
            if rnd() < 0.05:
                credit = _spoil_credit_code(rng, credit)

            landline_share = 0.75 if industry in ("hospital", "community_health", "distributor") else 0.35
            phone = _phone(rng, area, landline_share, 0.07)

            slug = be.lower().replace("'", "")
            suffixes = _DOMAIN_SUFFIX[industry]
            domain = slug + suffixes[int(rnd() * len(suffixes))]
            if not domain.startswith(slug + "-") and rnd() < 0.3:
                domain = city_en.lower().replace("'", "")[:2] + domain
            free_mail = industry in ("pharmacy", "clinic", "dental", "elderly_care") and rnd() < 0.3
            r = rnd()
            if r < 0.03:
                email = ""
            elif r < 0.075:
                email = rng.choice((f"{slug}@", "no email", "a@b", f"{slug}@163", f"caigou@@{domain}", "无",
                                    f"caigou@{slug},com"))
            elif free_mail:
                email = (f"{rng.randrange(100_000_000, 3_000_000_000)}@qq.com" if rnd() < 0.4
                         else f"{city_en.lower()[:2]}{slug}{1990 + int(rnd() * 34)}@{_FREE_MAIL[int(rnd() * 2)]}")
            else:
                boxes = _MAILBOXES[industry]
                email = f"{boxes[int(rnd() * len(boxes))]}@{domain}"

            street = _STREETS[int(rnd() * n_streets)][0]
            address = (("上海市" if region_en == "Shanghai" else f"{prov_zh}省{city_zh}市") + district + street
                       + f"{1 + int(rnd() * 1998)}号")
            if rnd() < 0.3:
                address += f"{1 + int(rnd() * 29)}幢{1 + int(rnd() * 24)}0{1 + int(rnd() * 8)}室"

            # order behaviour
            interval = (iv_lo + (iv_hi - iv_lo) * rnd()) * _TIER_INTERVAL[tier]
            size = size_f * _TIER_SIZE[tier] * (0.6 + 0.9 * rnd())
            dlo, dhi = _TIER_DISCOUNT[tier]
            discount = dlo + int(rnd() * (dhi - dlo + 1))
            skus, cw = basket_src[industry]
            want = bk_lo + int(rnd() * (bk_hi - bk_lo + 1))
            chosen: list[str] = []
            for _try in range(want * 3):
                sku = skus[bisect_right(cw, rnd() * cw[-1])]
                if sku not in chosen:
                    chosen.append(sku)
                    if len(chosen) >= want:
                        break
            for sku in list(chosen):
                comp = _COMPANIONS.get(sku)
                if comp and comp not in chosen:
                    chosen.append(comp)
            cats = {prod_by_sku[sku][3] for sku in chosen}
            for cat, new_skus, share in _NEW_MODELS:
                if cat in cats and rnd() < share:
                    chosen.extend(x for x in new_skus if x not in chosen)
            basket = []
            order_value = 0.0
            for sku in chosen:
                p = prod_by_sku[sku]
                price = round(p[5] * 100) * (100 - discount) // 100
                qb = max(1.0, p[7] * size)
                rep = p[9] * _REPEAT_SCALE
                pw, qw = (min(0.95, rep * 1.5), qb * 1.6) if p[10] else (rep, qb)
                basket.append((self.pid[sku], price, max(0, launch_off[sku]), end_off.get(sku, HISTORY_DAYS),
                               rep, pw, qb, qw))
                order_value += rep * qb * price
            annual = int(order_value * 365 / interval)

            # lifecycle: long-standing, joined during the window, or a prospect with no orders yet
            r = rnd()
            prospect = r >= 0.95
            if r < 0.64:
                created = -HISTORY_DAYS - int(30 + rnd() * 2400)
            elif not prospect:
                created = -int(40 + rnd() * 680)
            else:
                created = -int(3 + rnd() * 120)
            updated = max(created, -int(rnd() * 200))
            follow = self.iso(int(-25 + rnd() * 70)) if rnd() < 0.4 else None
            created_ts, updated_ts = self.work_ts(rnd, created), self.work_ts(rnd, updated)

            acct_rows.append((a, updated_ts, f"C{a:06d}", name_zh, name_en, credit, region_en,
                              f"{city_zh} {city_en}", industry, tier, owner, phone, email, address, follow,
                              created_ts, updated_ts))

            # contacts
            lang_en_share = 0.85 if intl else 0.09
            n_contacts = ct_lo + int(rnd() * (ct_hi - ct_lo + 1))
            titles = _TITLES[industry]
            ids = []
            for ci in range(n_contacts):
                cid += 1
                ids.append(cid)
                sz_, sp, _sw = _SURNAMES[bisect_right(surname_cw, rnd() * surname_cw[-1])]
                gz, gp = _GIVEN[int(rnd() * n_given)]
                lang = "en" if rnd() < lang_en_share else "zh"
                title_zh, title_en = titles[0 if ci == 0 and industry in ("pharmacy", "distributor")
                                            else int(rnd() * len(titles))]
                if lang == "en":
                    if rnd() < 0.6:
                        giv = _EN_FIRST[int(rnd() * len(_EN_FIRST))]
                        name, latin, sur = sz_ + gz, f"{giv} {sp}", sp
                    else:
                        name = latin = _FOREIGNERS[int(rnd() * len(_FOREIGNERS))]
                        giv, sur = latin.split(" ", 1)
                    title = title_en
                else:
                    name, latin, title, giv, sur = sz_ + gz, f"{sp} {gp}", title_zh, gp, sp
                giv, sur = giv.lower(), sur.lower()
                r = rnd()
                if r < 0.03:
                    c_email = rng.choice((f"{sur}{giv}@", f"{sur}{giv}@{domain.split('.')[0]}", "-"))
                elif r < 0.12:
                    c_email = ""
                elif free_mail or r < 0.3:
                    year_or_no = 70 + int(rnd() * 30) if rnd() < 0.5 else 1975 + int(rnd() * 27)
                    c_email = (f"{rng.randrange(100_000_000, 3_000_000_000)}@qq.com" if rnd() < 0.35
                               else f"{sur}{giv}{year_or_no}@{_FREE_MAIL[int(rnd() * len(_FREE_MAIL))]}")
                elif lang == "en":
                    c_email = f"{giv}.{sur}@{domain}"
                else:
                    r = rnd()
                    c_email = (f"{sur}{giv}@{domain}" if r < 0.4 else f"{sur}.{giv}@{domain}" if r < 0.75
                               else f"{sur}{giv[0]}@{domain}")
                c_phone = _phone(rng, area, 0.06, 0.05)
                r = rnd()
                if r < 0.22:
                    wechat = ""
                elif r < 0.5:
                    bits = rng.getrandbits(84)
                    wechat = "wxid_" + "".join(wx_alphabet[(bits >> (6 * k)) % 34] for k in range(14))
                elif r < 0.8:
                    wechat = f"{sur}{giv}_{1975 + int(rnd() * 27)}"
                else:
                    wechat = "".join(ch for ch in c_phone if ch.isdigit())[-11:]
                r = rnd()
                ce = None if r < 0.40 else 1 if r < 0.85 else 0
                r = rnd()
                cp = None if r < 0.30 else 1 if r < 0.90 else 0
                r = rnd()
                cs = None if r < 0.50 else 1 if r < 0.85 else 0
                r = rnd()
                cwc = None if not wechat or r < 0.35 else 1 if r < 0.90 else 0
                c_created = self.work_ts(rnd, int(created - created * rnd() * 0.3))
                c_updated = max(c_created, updated_ts)
                contact_rows.append((cid, c_updated, a, name, latin, title, c_phone, c_email, wechat, lang,
                                     ce, cp, cs, cwc, c_created, c_updated))
                self.contact_rows.append((a, name, latin, lang, c_email, wechat, c_phone))
            main_lang = "en" if self.contact_rows[ids[0] - 1][3] == "en" else "zh"
            self.accts.append(_Acct(a, name_zh, name_en, short_zh, short_en, region_en, city_zh, city_en, area,
                                    industry, tier, owner, phone, credit, address, main_lang, basket, interval,
                                    annual, created, prospect, ids))
            if a % chunk == 0 or a == n:
                yield a, acct_rows, contact_rows
                acct_rows, contact_rows = [], []

    _ACCOUNT_COLS = ("id", "remote_write_date", "code", "name_zh", "name_en", "credit_code", "region", "city",
                     "industry", "tier", "owner", "phone", "email", "address", "next_follow_up", "created_at",
                     "updated_at")
    _CONTACT_COLS = ("id", "remote_write_date", "account_id", "name", "name_latin", "title", "phone", "email",
                     "wechat", "language", "consent_email", "consent_phone", "consent_sms", "consent_wechat",
                     "created_at", "updated_at")

    def _write_accounts(self, chunk: tuple[int, list[tuple], list[tuple]]) -> None:
        done, acct_rows, contact_rows = chunk
        with self.conn:
            _staged_insert(self.conn, "accounts", self._ACCOUNT_COLS, acct_rows, {"remote_id": "id"})
            _staged_insert(self.conn, "contacts", self._CONTACT_COLS, contact_rows, {"remote_id": "id"})
        self._tick("accounts", done, self.n)

    # -- orders ------------------------------------------------------------------------------------
    _ORDER_SQL = ("INSERT INTO sales_orders(id, remote_id, number, account_id, order_date, state, total_cents, "
                  "warehouse_id) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)")
    _LINE_SQL = ("INSERT INTO sales_order_lines(id, remote_id, order_id, product_id, quantity, unit_price_cents) "
                 "VALUES (?1, ?1, ?2, ?3, ?4, ?5)")

    def orders(self) -> None:
        """Schedule each account's orders on its own cadence, then emit them day by day so that order ids and
        numbers rise with the date, as they would in the ERP."""
        self._scheduled = 0

        def write(chunk: tuple[int, list[tuple], list[tuple]]) -> None:
            done, orders, lines = chunk
            with self.conn:
                self.conn.executemany(self._ORDER_SQL, orders)
                self.conn.executemany(self._LINE_SQL, lines)
            self._tick("orders", done, self._scheduled)

        _pipelined(self._order_chunks(), write)
        self._tick("orders", self._scheduled, self._scheduled)

    def _order_chunks(self) -> Iterator[tuple[int, list[tuple], list[tuple]]]:
        rng = self.rng_orders
        rnd = rng.random
        ndays = HISTORY_DAYS + 1                        # day index 0 = today - 730, index 730 = today
        start_date = self.day(-HISTORY_DAYS)
        dates = [start_date + datetime.timedelta(days=i) for i in range(ndays)]
        date_str = [d.isoformat() for d in dates]
        year_of = [d.year for d in dates]
        winter = [d.month in (11, 12, 1, 2) for d in dates]
        # no orders on Sundays: move them to Monday (or back to Saturday at the end of the window)
        shift = [i + 1 if dates[i].weekday() == 6 and i + 1 < ndays else i - 1 if dates[i].weekday() == 6 else i
                 for i in range(ndays)]
        buckets: list[list[int]] = [[] for _ in range(ndays)]
        scheduled = 0
        for ai, acct in enumerate(self.accts):
            if acct.prospect:
                continue
            interval = acct.interval
            if acct.created < -HISTORY_DAYS:
                d = int(rnd() * interval)
            else:
                d = HISTORY_DAYS + acct.created + int(3 + rnd() * 10)
            end = HISTORY_DAYS
            if rnd() < 0.10:                            # lapsed: stopped ordering months ago
                end = HISTORY_DAYS - int(75 + rnd() * 325)
            while d <= end:
                buckets[shift[d]].append(ai)
                scheduled += 1
                d += max(3, int(interval * (0.7 + 0.6 * rnd())))
        self._scheduled = scheduled

        wh_by_region = {r[0]: _WH_ID[r[3]] for r in _REGIONS}
        wh_of = [_WH_ID[_WAREHOUSE_OVERRIDE[a.city_zh]] if a.city_zh in _WAREHOUSE_OVERRIDE
                 else wh_by_region[a.region] for a in self.accts]
        baskets = [a.basket for a in self.accts]
        last_order: list[tuple[str, int, int, int, int, str] | None] = [None] * len(baskets)
        orders: list[tuple] = []
        lines: list[tuple] = []
        append_order, append_line = orders.append, lines.append
        oid = lid = 0
        seq_by_year: dict[int, int] = {}
        done = 0
        for d in range(ndays):
            bucket = buckets[d]
            if not bucket:
                continue
            ds = date_str[d]
            yr = year_of[d]
            pi, qi = (5, 7) if winter[d] else (4, 6)
            ago = HISTORY_DAYS - d
            day_rel = d - HISTORY_DAYS
            seq = seq_by_year.get(yr, 0)
            for ai in bucket:
                done += 1
                items = baskets[ai]
                chosen = [it for it in items if it[2] <= d <= it[3] and rnd() < it[pi]]
                if not chosen:
                    valid = [it for it in items if it[2] <= d <= it[3]]
                    if not valid:
                        continue
                    chosen = [valid[int(rnd() * len(valid))]]
                oid += 1
                total = 0
                q0 = 0
                for it in chosen[:4]:
                    q = int(it[qi] * (0.6 + 0.8 * rnd()) + 0.5) or 1
                    price = it[1]
                    if rnd() < 0.08:
                        price = price * 95 // 100
                    total += q * price
                    q0 = q0 or q
                    lid += 1
                    append_line((lid, oid, it[0], q, price))
                if ago <= 2:
                    state = "confirmed" if rnd() < 0.6 else "processing"
                elif ago <= 9:
                    state = "processing" if rnd() < 0.55 else "done"
                else:
                    state = "done"
                if rnd() < 0.015:
                    state = "cancelled"
                seq += 1
                number = f"SO{yr}-{seq:06d}"
                wh = wh_of[ai]
                if rnd() < 0.05:
                    wh = 1 + (wh % 3)
                append_order((oid, number, ai + 1, ds, state, total, wh))
                if state != "cancelled":
                    last_order[ai] = (number, day_rel, chosen[0][0], q0, total, state)
            seq_by_year[yr] = seq
            if len(lines) >= 100_000:
                yield done, orders, lines
                orders, lines = [], []
                append_order, append_line = orders.append, lines.append
        if orders:
            yield done, orders, lines
        self.last_order = last_order
        self.counts.update(orders=oid, order_lines=lid)

    # -- opportunities, activities, promotions --------------------------------------------------------
    def opportunities(self) -> None:
        rng = self.rng_misc
        rnd = rng.random
        rows = []
        oid = 0
        year = self.today.year + 1
        n = len(self.accts)
        for k, acct in enumerate(self.accts, start=1):
            plan: list[str] = []
            if rnd() < 0.30:
                plan.extend(rng.choice(("lead", "qualified", "proposal", "negotiation"))
                            for _ in range(1 if rnd() < 0.8 else 2))
            if rnd() < 0.22:
                plan.append("won" if rnd() < 0.55 else "lost")
            for stage in plan:
                oid += 1
                tz, te, sku = rng.choice(_OPP_TEMPLATES[acct.industry])
                title = (te if acct.lang == "en" else tz).format(year=year, n=rng.randrange(3, 16))
                amount = max(200_000, int(acct.annual_cents * (0.2 + rnd()) / 10_000) * 10_000)
                if stage in _STAGE_PROB:
                    lo, hi = _STAGE_PROB[stage]
                    prob = lo + 5 * int(rnd() * ((hi - lo) // 5 + 1))
                    close = int(-20 + rnd() * 140) if rnd() < 0.9 else int(-60 + rnd() * 40)   # some stale
                    created = close - int(30 + rnd() * 150)
                    updated = min(0, created + int(rnd() * (0 - created)))
                else:
                    prob = 100 if stage == "won" else 0
                    close = -int(10 + rnd() * 500)
                    created = close - int(20 + rnd() * 120)
                    updated = close
                created = max(created, acct.created)
                updated = max(updated, created)
                c_ts, u_ts = self.work_ts(rnd, created), self.work_ts(rnd, updated)
                rows.append((oid, u_ts, acct.id, title, stage, amount, prob, self.day(close).isoformat(),
                             self.pid[sku], acct.owner, c_ts, u_ts))
            if k % 20000 == 0:
                self._tick("opportunities", k, n)
        with self.conn:
            self.conn.executemany(
                "INSERT INTO opportunities(id, remote_id, remote_write_date, account_id, title, stage, amount_cents, "
                "probability, expected_close, product_id, owner, created_at, updated_at) "
                "VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", rows)
        self.counts["opportunities"] = oid
        self._tick("opportunities", n, n)

    def activities(self) -> None:
        rng = self.rng_misc
        rnd = rng.random
        new_products = [p for p in _PRODUCTS if p[6] <= 90]
        rows = []
        aid = 0
        n = len(self.accts)
        for k, acct in enumerate(self.accts, start=1):
            if rnd() >= 0.6:
                continue
            for _ in range(1 + int(rnd() * 5)):
                aid += 1
                kind = _pick(rng, _ACTIVITY_KINDS, _ACTIVITY_KIND_CW)
                sz, bz, se, be = rng.choice(_ACTIVITY_TEMPLATES[kind])
                contact_id = acct.contacts[int(rnd() * len(acct.contacts))]
                c = self.contact_rows[contact_id - 1]
                item = acct.basket[int(rnd() * len(acct.basket))]
                prod = _PRODUCTS[item[0] - 1]
                new = rng.choice(new_products)
                comp = rng.choice(_COMPETITORS)
                lo = self.last_order[acct.id - 1]
                ctx = {
                    "product_zh": prod[1], "product_en": prod[2], "unit_zh": _unit_zh(prod),
                    "unit_en": prod[4] + "es" if prod[4] == "box" else prod[4] + "s",
                    "qty": max(1, int(item[6] * 2)), "contact": c[1] if acct.lang == "zh" else c[2],
                    "order": lo[0] if lo else "上月订单" if acct.lang == "zh" else "last month's order",
                    "competitor_zh": comp[0], "competitor_en": comp[1],
                    "category_zh": _CATEGORY_NAMES[prod[3]][0], "category_en": _CATEGORY_NAMES[prod[3]][1],
                    "short": acct.short_zh, "short_en": acct.short_en, "n": 3 + int(rnd() * 12),
                    "new_zh": new[1], "new_en": new[2],
                }
                subject, body = (se, be) if acct.lang == "en" else (sz, bz)
                occurred = -int(1 + rnd() * 180)
                occurred = max(occurred, acct.created)
                ts = self.work_ts(rnd, occurred)
                rows.append((aid, ts, acct.id, contact_id, kind, subject.format(**ctx), body.format(**ctx), ts,
                             acct.owner, ts, ts))
            if k % 20000 == 0:
                self._tick("activities", k, n)
        with self.conn:
            self.conn.executemany(
                "INSERT INTO activities(id, remote_id, remote_write_date, account_id, contact_id, kind, subject, "
                "body, occurred_at, owner, created_at, updated_at) "
                "VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", rows)
        self.counts["activities"] = aid
        self._tick("activities", n, n)

    def promotions(self) -> None:
        rng = random.Random(f"{self.seed}:promotions")
        regions = [r[0] for r in _REGIONS]
        total = 32
        rows = []
        for i in range(1, total + 1):
            region = regions[(i - 1) % len(regions)]
            cat, title, disc, details = rng.choice(_PROMO_TEMPLATES)
            zh, en = _COMPETITORS[(i - 1) % 3] if rng.random() < 0.8 else rng.choice(_COMPETITORS)
            competitor = zh if zh == en else f"{zh} {en}"
            r = rng.random()
            if r < 0.75:
                start, end = -int(5 + rng.random() * 55), int(7 + rng.random() * 83)
            elif r < 0.9:
                end = -int(5 + rng.random() * 55)
                start = end - int(20 + rng.random() * 60)
            else:
                start = int(3 + rng.random() * 17)
                end = start + int(30 + rng.random() * 60)
            if start <= 0 <= end:
                self.active_promos.setdefault(region, []).append((i, zh if rng.random() < 0.5 else en))
            d = round(disc * (0.9 + 0.2 * rng.random()), 1) if disc < 100 else disc
            rows.append((i, self.synced, competitor, region, cat, title, d, self.day(start).isoformat(),
                         self.day(end).isoformat(), details, rng.choice(_PROMO_SOURCES)))
        with self.conn:
            self.conn.executemany(
                "INSERT INTO competitor_promotions(id, remote_id, remote_write_date, competitor, region, category, "
                "title, discount_pct, starts_on, ends_on, details, source) "
                "VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", rows)
        self.counts["promotions"] = total
        self._tick("promotions", total, total)

    # -- inbound messages --------------------------------------------------------------------------
    def messages(self) -> dict[str, int]:
        rng = self.rng_messages
        rnd = rng.random
        total = min(MESSAGE_CAP, max(60, self.n // 5))
        plan: list[tuple[str, str]] = []
        for intent in INTENTS:
            plan.extend(((intent, "zh"), (intent, "zh"), (intent, "en")))
        names = list(_INTENT_WEIGHTS)
        cw = list(accumulate(_INTENT_WEIGHTS[k] for k in names))
        while len(plan) < total:
            plan.append((_pick(rng, names, cw), "zh" if rnd() < 0.6 else "en"))
        plan = plan[:total]
        by_lang: dict[str, list[int]] = {"zh": [], "en": []}
        for ci, c in enumerate(self.contact_rows, start=1):
            by_lang[c[3]].append(ci)
        if not by_lang["en"]:
            by_lang["en"] = by_lang["zh"]
        now = datetime.datetime(self.today.year, self.today.month, self.today.day, 1, 30)   # 09:30 Beijing
        drafts = []
        counts = dict.fromkeys(INTENTS, 0)
        for intent, lang in plan:
            ti = int(rnd() * len(MESSAGE_TEMPLATES[intent][lang]))
            template = MESSAGE_TEMPLATES[intent][lang][ti]
            spam = (intent, lang, ti) in _SPAM
            pool = by_lang[lang]
            ci = pool[int(rnd() * len(pool))]
            if intent in _ORDER_INTENTS:
                recent = -21 if intent in _RECENT_ORDER_INTENTS else -HISTORY_DAYS
                for attempt in range(200):
                    lo = self.last_order[self.contact_rows[ci - 1][0] - 1]
                    if lo is not None and (lo[1] >= recent or attempt >= 100):
                        break
                    ci = pool[int(rnd() * len(pool))]
            c_acct, c_name, c_latin, _c_lang, c_email, c_wechat, c_phone = self.contact_rows[ci - 1]
            acct = self.accts[c_acct - 1]
            lo = self.last_order[acct.id - 1]
            item = acct.basket[int(rnd() * len(acct.basket))]
            pid = lo[2] if lo and intent in _ORDER_INTENTS else item[0]
            if intent == "product_inquiry" and rnd() < 0.5:
                pid = self.pid[rng.choice(("GM-KD-300", "CGM-KD-S15", "BP-KD-A30", "TH-KD-IR2"))]
            prod = _PRODUCTS[pid - 1]
            devices = [_PRODUCTS[it[0] - 1] for it in acct.basket
                       if _PRODUCTS[it[0] - 1][4] == "unit" and _PRODUCTS[it[0] - 1][3] in _DEVICE_CATEGORIES]
            device = devices[int(rnd() * len(devices))] if devices else _PRODUCTS[self.pid["GM-KD-200"] - 1]
            price_cents = next((it[1] for it in acct.basket if it[0] == pid), round(prod[5] * 100))
            qty = lo[3] if lo and intent in _ORDER_INTENTS else max(2, int(item[6] * (1 + 2 * rnd())))
            zh = lang == "zh"
            promos = self.active_promos.get(acct.region)
            if intent == "competitor_mention" and promos:
                comp = promos[int(rnd() * len(promos))][1]
                comp = next((z if zh else e) for z, e in _COMPETITORS if comp in (z, e))
            else:
                z, e = _COMPETITORS[int(rnd() * 3)]
                comp = z if zh else e
            meet = self.today + datetime.timedelta(days=2 + int(rnd() * 8))
            order_day = self.today + datetime.timedelta(days=lo[1]) if lo else self.today
            rep_zh, rep_en = _REP_NAMES[acct.owner]
            unit = prod[4]
            ctx = {
                "rep": rep_zh if zh else rep_en, "product": prod[1] if zh else prod[2], "sku": prod[0],
                "device": device[1] if zh else f"{device[2]} ({device[0]})",
                "qty": qty, "unit": _unit_zh(prod) if zh else (unit + "es" if unit == "box" else unit + "s"),
                "city": acct.city_zh if zh else acct.city_en,
                "order": lo[0] if lo else "", "short": max(1, qty // 5), "received": qty - max(1, qty // 5),
                "date": _date_zh(meet) + "（周" + "一二三四五六日"[meet.weekday()] + "）" if zh else _date_en(meet),
                "date_past": _date_zh(order_day) if zh else _date_en(order_day),
                "name": c_name if zh else c_latin, "address": acct.address,
                "price": _short_price(int(price_cents * (0.85 if intent == "competitor_mention" else 1))),
                "amount": ("¥" if zh else "CNY ") + _yuan(lo[4] if lo else 0),
                "account": acct.name_zh if zh else acct.name_en, "credit": acct.credit,
                "competitor": comp, "phone": _format_mobile(rng, _mobile(rng)), "year": self.today.year + 1,
            }
            body = template.format(**ctx)
            if zh:
                channel = _pick(rng, ("wechat", "email", "sms", "chat"), (40, 70, 85, 100))
            else:
                channel = _pick(rng, ("email", "chat", "wechat", "sms"), (70, 90, 95, 100))
            if spam:
                channel = "sms" if zh else "email"
            elif channel in ("email", "chat") and not valid_email(c_email):
                channel = "wechat" if c_wechat and zh else "sms"
            # received in the last ten days, mostly in office hours (Beijing time)
            for _ in range(3):
                received = now - datetime.timedelta(seconds=int(rnd() * 10 * 86400))
                if 0 <= received.hour <= 11:
                    break
            if spam:
                account_id = contact_id = None
                sender = (f"1069{rng.randrange(10_000_000, 99_999_999)}" if zh
                          else f"listing-{rng.randrange(1000, 9999)}@supplier-awards.top")
            else:
                account_id, contact_id = acct.id, ci
                if channel in ("email", "chat"):
                    sender = c_email
                elif channel == "wechat":
                    sender = c_wechat or c_phone
                else:
                    sender = c_phone
            subject = rng.choice(_SUBJECTS[intent][lang]).format(**ctx) if channel == "email" else ""
            counts[intent] += 1
            drafts.append((received, account_id, contact_id, channel, sender, subject, body, lang))
        drafts.sort(key=lambda m: m[0])
        rows = []
        for i, (received, account_id, contact_id, channel, sender, subject, body, lang) in enumerate(drafts, 1):
            age_h = (now - received).total_seconds() / 3600
            r = rnd()
            if age_h < 48:
                status = "new" if r < 0.85 else "read"
            else:
                status = "new" if r < 0.45 else "read" if r < 0.7 else "done" if r < 0.95 else "archived"
            ref = ""
            if channel == "email":
                host = sender.rsplit("@", 1)[-1] if "@" in sender else "mail.example.cn"
                ref = f"<{received.strftime('%Y%m%d%H%M%S')}.{i:05d}@{host}>"
            rows.append((i, account_id, contact_id, channel, sender, subject, body, lang,
                         received.strftime("%Y-%m-%dT%H:%M:%SZ"), status, ref))
        with self.conn:
            self.conn.executemany(
                "INSERT INTO inbound_messages(id, account_id, contact_id, channel, sender, subject, body, language, "
                "received_at, status, source_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self.counts["messages"] = len(rows)
        self._tick("messages", len(rows), len(rows))
        return counts


def generate(conn: apsw.Connection, accounts: int = DEFAULT_ACCOUNTS, seed: int = DEFAULT_SEED,
             today: datetime.date | None = None, progress: Progress | None = None) -> DemoSummary:
    """Fill an empty, migrated store with a demo book of business; same arguments -> identical content."""
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    for table in ("accounts", "products", "warehouses"):
        if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchall()[0][0]:
            raise ValueError(f"the store already holds {table}; demo data goes into an empty workspace")
    started = time.perf_counter()
    gen = _Generator(conn, accounts, seed, today or DEFAULT_TODAY, progress)
    old_cache = conn.execute("PRAGMA cache_size").fetchall()[0][0]
    conn.execute("PRAGMA cache_size = -131072")      # 128 MiB while bulk-inserting into indexed tables
    try:
        gen.catalogue()
        gen.accounts()
        gen.orders()
        gen.opportunities()
        gen.activities()
        gen.promotions()
        intents = gen.messages()
    finally:
        for table in ("accounts", "contacts"):
            conn.execute(f"DROP TABLE IF EXISTS temp._demo_stage_{table}")
        conn.execute(f"PRAGMA cache_size = {int(old_cache)}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c = gen.counts
    return DemoSummary(
        accounts=c["accounts"], contacts=c["contacts"], products=c["products"], warehouses=c["warehouses"],
        stock_levels=c["stock_levels"], orders=c["orders"], order_lines=c["order_lines"],
        opportunities=c["opportunities"], activities=c["activities"], promotions=c["promotions"],
        messages=c["messages"], seconds=round(time.perf_counter() - started, 3), message_intents=intents,
    )


_DIGEST_TABLES = (
    ("warehouses", "id"), ("products", "id"), ("stock_levels", "product_id, warehouse_id"), ("accounts", "id"),
    ("contacts", "id"), ("sales_orders", "id"), ("sales_order_lines", "id"), ("opportunities", "id"),
    ("activities", "id"), ("competitor_promotions", "id"), ("inbound_messages", "id"),
)


def content_digest(conn: apsw.Connection) -> str:
    """SHA-256 over every row of the business tables in primary-key order: equal digests = equal content."""
    h = hashlib.sha256()
    for table, key in _DIGEST_TABLES:
        h.update(f"\x00{table}\x00".encode())
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY {key}"):
            h.update(repr(row).encode("utf-8"))
            h.update(b"\n")
    return h.hexdigest()
