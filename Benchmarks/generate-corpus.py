#!/usr/bin/env python3
"""Writes a synthetic, valid Roster site of any size, and the same Markdown bodies as a Hugo site.

    python3 Benchmarks/generate-corpus.py --out .bench/site-20000                 # 2,000 providers, 20,000 cases
    python3 Benchmarks/generate-corpus.py --cases 2000 --out DIR --hugo HUGO_DIR  # also a Hugo site

The corpus has the shape of issue 8: N providers, 10 x N cases and N / 10 notices, every body about 2.5 KB of
Chinese Markdown with a heading, paragraphs, a list, a table and links (22,200 bodies are about 58 MB).  It follows
every rule of `roster check`, so a build renders every page:

- credit codes are unique and checksum-valid (GB 32100-2015, via sample-tools/credit_code.py);
- chain leaders serve one industry and carry `chain_leader` with mode, revenue >= 10 亿元 and >= 10 pilots;
- integrators and product providers serve one or two industries, with at least 3 transformation cases in each;
- a provider's assessment cases never name an enterprise of its transformation cases (their names differ);
- at most one showroom case per provider and industry;
- covers name SVG files written under Content/media/covers/; publicity candidates are providers of the corpus;
- industries.yaml keeps the four industries with quotas widened to the corpus's counts, so there are no warnings;
- links in bodies point at pages that exist (`/providers/<id>/`, `/cases/<id>/`, `/industries/<id>/`).

Output is a pure function of the arguments (same --seed and size give the same bytes).  `Content/calendar/` is copied
from the repository and `Themes` is a symlink to the repository's themes.
"""
import argparse
import importlib.util
import os
import random
import shutil
import sys
from datetime import date, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, ".."))

_spec = importlib.util.spec_from_file_location("credit_code", os.path.join(HERE, "sample-tools", "credit_code.py"))
credit_code = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(credit_code)

INDUSTRIES = [
    ("auto-parts", "汽车零部件及配件制造", "发动机、底盘、车身、电子电器等汽车零部件及配件的制造企业。", "汽车零部件"),
    ("rail-transit", "轨道交通设备制造", "高速动车组、城轨车辆及其转向架、牵引、制动等配套设备的制造企业。", "轨道交通装备"),
    ("home-appliances", "家用电器及配件制造", "冰箱、空调、洗衣机、小家电及其压缩机、电机、注塑件等配件的制造企业。", "家电配件"),
    ("general-parts", "通用零部件及配件制造", "轴承、齿轮、紧固件、密封件、液压气动元件等通用零部件的制造企业。", "通用零部件"),
]
DISTRICTS = ["市南区", "市北区", "李沧区", "崂山区", "西海岸新区", "城阳区", "即墨区", "胶州市", "平度市", "莱西市",
             "青岛高新区", "青岛自贸区", "市外"]
AREAS = ["研发设计", "生产制造", "质量管理", "仓储物流", "运营管理", "经营管理", "市场服务"]
CITIES = ["青岛", "山东", "济南", "烟台", "潍坊", "威海", "日照", "淄博"]
BRAND_A = list("海瑞博德坤云智恒安鼎泰华远宏信达通盛联创启明星晨源峰科正新和宇天祥兴利丰嘉润光东铭卓越航锐辰")
BRAND_B = list("川景航越澜诺弘岳拓聚睿朗颐昊晟瀚澄钧骏霖鸿麟琪璟崇谦衡嵘舜禾")
LATIN = ["Q-Link", "iMES", "Data", "Smart", "Zeta", "Nova", "Axis", "Blue", "Omni", "Vega", "Kite", "Argo"]
BUSINESS = ["智能科技", "信息技术", "数字科技", "软件", "工业互联网", "自动化", "物联网科技", "数据服务", "智能装备", "系统集成"]
ENTERPRISE_NOUNS = ["精密机械", "汽车配件", "电器", "橡塑制品", "轴承", "齿轮", "铸造", "锻造", "液压件", "电机", "紧固件",
                    "密封件", "模具", "线束", "钣金", "五金", "压缩机", "制动系统", "转向架部件", "弹簧"]
COVER_NAMES = ["assembly", "machining", "warehouse", "energy", "inspection", "moulding", "rail", "appliance"]
COVER_COLOURS = ["#1E3A5C", "#2B8A8C", "#5B7186", "#7FC2BF", "#B4C2CF", "#9AA9B7", "#3D6A8A", "#4F7F5A"]

# Sentences for bodies; {e} enterprise, {p} provider, {i} industry noun, {n}/{m}/{k} numbers.
SENTENCES = [
    "{e}是一家以{i}为主业的中小企业，现有员工{n}人，年产值约{m}亿元，产品主要配套省内外整车和整机厂。",
    "过去生产计划靠人工排产，车间之间靠电话和纸质单据传递信息，订单交付周期长、在制品多，管理人员很难及时掌握现场情况。",
    "{p}的项目组先用{k}周时间梳理了从接单、排产、领料、加工到检验、入库、发货的全部流程，找出了影响交付的关键环节。",
    "项目按照“小快轻准”的思路分步实施，先从问题最突出的车间入手，上线一个模块、见效一个模块，不影响企业正常生产。",
    "设备联网覆盖了{n}台新旧设备，老旧设备通过加装电流和信号采集模块接入，不改动原有控制系统。",
    "质量数据在检验环节扫码录入，不合格品自动触发处置流程，质量问题可以按批次追溯到原材料、设备和操作人员。",
    "仓库按库位管理原材料和成品，先进先出由系统提示，月末盘点从两天缩短到半天，账实相符率明显提高。",
    "车间大屏和班组长手机上可以实时看到设备状态、生产进度和异常情况，停机超过{k}分钟会自动推送给相关人员。",
    "企业管理层每周根据系统数据召开生产例会，讨论的重点从“数字对不对”转到了“问题怎么改”。",
    "项目总投入约{n}万元，其中软件订阅和硬件改造各占一半左右，企业按照试点政策申请了相应的资金支持。",
    "上线{k}个月后，订单准时交付率、设备综合效率和一次交检合格率都有了明显改善，详细数据见下表。",
    "下一步，企业计划把数据接口开放给主要客户和供应商，在产业链上下游之间实现订单、库存和质量信息的协同。",
    "项目实施过程中，{p}为企业培训了{n}名关键用户，编写了操作手册和常见问题解答，保证系统上线后有人会用、有人会管。",
    "数据按照国家和行业标准进行采集和存储，企业可以随时导出，避免被单一软件供应商锁定。",
    "针对{i}行业多品种、小批量的特点，系统支持快速换型和工艺参数模板，换型时间缩短了约{k}成。",
    "能源计量细化到车间和重点设备，空压机、加热炉等高耗能设备的运行数据每{k}分钟采集一次，节能措施有据可依。",
    "在数字化能力评估中，企业的生产制造和质量管理两个环节提升最为明显，整体水平从二级提高到三级。",
    "企业负责人表示，数字化改造不是简单买一套软件，而是借这个机会把管理流程理顺，让数据说话。",
]
LIST_ITEMS = [
    "生产计划与排产：按订单交期和设备能力自动生成排产建议，计划员调整后一键下发到车间。",
    "设备联网与监控：采集设备运行状态、产量和主要工艺参数，异常时自动报警。",
    "质量追溯：原材料批次、工序记录和检验结果关联，出现问题时几分钟内定位影响范围。",
    "仓储物流：扫码出入库、库位管理和先进先出提示，库存数据与财务系统自动对账。",
    "能源管理：重点设备分项计量，按班次和产品统计单位能耗。",
    "移动应用：班组长和设备维修人员在手机上接收任务、报工和反馈问题。",
    "经营分析：按日、周、月自动生成经营报表，管理层在手机上即可查看。",
    "供应链协同：主要供应商在线接收要货计划并反馈交货进度。",
]
METRICS = [("订单准时交付率", "%"), ("设备综合效率OEE", "%"), ("一次交检合格率", "%"), ("库存周转天数", "天"),
           ("单位产品能耗", "千瓦时"), ("平均换型时间", "分钟"), ("生产计划编制时间", "小时"), ("在制品数量", "件")]


class Corpus:
    def __init__(self, providers, seed):
        self.n = providers
        self.rng = random.Random(seed)

    # --- names and codes ---------------------------------------------------------------------------------------

    def provider_names(self):
        seen = set()
        names = []
        while len(names) < self.n:
            r = self.rng
            brand = (r.choice(LATIN) if r.random() < 0.05 else "") + r.choice(BRAND_A) + r.choice(BRAND_B)
            if r.random() < 0.3:  # 海瑞智能科技（青岛）有限公司 as well as 青岛海瑞智能科技有限公司
                name = "%s%s（%s）有限公司" % (brand, r.choice(BUSINESS), r.choice(CITIES))
            else:
                name = "%s%s%s有限公司" % (r.choice(CITIES), brand, r.choice(BUSINESS))
            if name not in seen:
                seen.add(name)
                names.append(name)
        return names

    def credit_codes(self, count):
        seen = set()
        codes = []
        while len(codes) < count:
            org = "".join(self.rng.choice(credit_code.CHARSET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
            code = credit_code.make("913702" + self.rng.choice(["00", "02", "03", "11", "12", "13", "14", "81", "83", "85"]) + org)
            if code not in seen and credit_code.is_valid(code):
                seen.add(code)
                codes.append(code)
        return codes

    def enterprise(self, k, assessment):
        r = self.rng
        suffix = "股份有限公司" if assessment else "有限公司"  # never the same name as a transformation client
        return "青岛%s%s%s%s（第%d厂）" % (r.choice(BRAND_A), r.choice(BRAND_B), r.choice(ENTERPRISE_NOUNS), suffix, k)

    # --- bodies --------------------------------------------------------------------------------------------------

    def body(self, enterprise, provider_name, industry_noun, links, target=2500):
        """About `target` bytes of Markdown: paragraphs, a heading, a bold-led list, a table and links."""
        r = self.rng

        def paragraph(count):
            return "".join(r.choice(SENTENCES).format(e=enterprise, p=provider_name, i=industry_noun, n=r.randint(20, 900),
                                                      m=r.randint(1, 30), k=r.randint(2, 9)) for _ in range(count))

        items = [item.split("：", 1) for item in r.sample(LIST_ITEMS, r.randint(4, 6))]
        rows = ["| 指标 | 改造前 | 改造后 | 变化 |", "|---|---:|---:|---:|"]
        for metric, unit in r.sample(METRICS, 4):
            before = r.randint(20, 90)
            after = before + r.randint(-15, 25)
            rows.append("| %s | %d%s | %d%s | %+d%s |" % (metric, before, unit, after, unit, after - before, unit))
        fixed = ["## 主要做法", "\n".join("- **%s**：%s" % (head, rest) for head, rest in items),
                 "## 成效", "\n".join(rows),
                 "相关页面：" + "，".join("[%s](%s)" % (label, href) for label, href in links)
                 + "；政策原文见[工业和信息化部网站](https://www.miit.gov.cn/)。"]
        paragraphs = [paragraph(3)]
        size = sum(len(x.encode()) + 2 for x in fixed + paragraphs)
        while size < target:
            paragraphs.append(paragraph(2))
            size += len(paragraphs[-1].encode()) + 2
        half = (len(paragraphs) + 1) // 2
        return "\n\n".join(paragraphs[:half] + fixed[:2] + paragraphs[half:] + fixed[2:]) + "\n"

    def day(self, start, end):
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    # --- the corpus ----------------------------------------------------------------------------------------------

    def build(self):
        r = self.rng
        names = self.provider_names()
        codes = self.credit_codes(self.n + self.n // 20)
        parent_codes = codes[self.n:]
        providers, cases = [], []
        for i in range(self.n):
            pid = "p%05d" % (i + 1)
            roll = r.random()
            if roll < 0.10:
                types = ["chain-leader"]
            elif roll < 0.40:
                types = ["integrator"]
            elif roll < 0.85:
                types = ["product"]
            else:
                types = ["integrator", "product"]
            count = 1 if types == ["chain-leader"] or r.random() < 0.5 else 2
            industries = [x[0] for x in r.sample(INDUSTRIES, count)]
            status = r.choices(["recommended", "publicity", "suspended", "withdrawn"], [93, 3, 2, 2])[0]
            p = {"id": pid, "name": names[i], "credit_code": codes[i], "types": types, "industries": industries,
                 "district": r.choice(DISTRICTS), "service_areas": sorted(r.sample(AREAS, r.randint(1, 3)), key=AREAS.index),
                 "status": status, "cases": []}
            if i < len(parent_codes):
                p["parent_credit_code"] = parent_codes[i]  # one subsidiary per parent, parents not in the directory
            providers.append(p)
            # 10 cases, spread over the provider's industries; every industry gets >= 3 transformation cases.
            for k in range(10):
                industry = industries[k % len(industries)]
                group_index = k // len(industries)
                assessment = group_index >= 4 and r.random() < 0.5
                cid = "%s-c%02d" % (pid, k + 1)
                noun = next(x[3] for x in INDUSTRIES if x[0] == industry)
                c = {"id": cid, "provider": pid, "industry": industry, "noun": noun,
                     "enterprise": self.enterprise(len(cases) + 1, assessment),
                     "role": "assessment" if assessment else "transformation",
                     "showroom": group_index == 0 and not assessment and r.random() < 0.5,
                     "date": self.day(date(2019, 1, 1), date(2024, 1, 31))}
                cases.append(c)
                p["cases"].append(cid)
        return providers, cases


def q(text):
    """A YAML double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def cover_svg(name, colour, index):
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 675" role="img" aria-labelledby="t">\n'
            '<title id="t">示意插图 %s</title>\n<rect width="1200" height="675" fill="#E8EEF3"/>\n'
            '<rect y="540" width="1200" height="135" fill="#C9D4DE"/>\n'
            '<path d="M80 540 V%d L260 400 V330 L440 400 V300 H700 V540 Z" fill="%s"/>\n'
            '<circle cx="%d" cy="160" r="90" fill="#7FC2BF"/>\n</svg>\n' % (name, 300 + index * 10, colour, 800 + index * 30))


def generate(args):
    corpus = Corpus(args.cases // 10, args.seed)
    r = corpus.rng
    providers, cases = corpus.build()
    by_id = {p["id"]: p for p in providers}
    out = args.out
    if os.path.exists(out):
        shutil.rmtree(out)
    content = os.path.join(out, "Content")
    for sub in ("providers", "cases", "notices", "media/covers"):
        os.makedirs(os.path.join(content, sub))
    shutil.copytree(os.path.join(REPO, "Content", "calendar"), os.path.join(content, "calendar"))
    os.symlink(os.path.join(REPO, "Themes"), os.path.join(out, "Themes"))

    write(os.path.join(content, "site.yaml"),
          "title: 青岛市中小企业数字化转型推荐服务商名录（基准测试）\nbase_url: https://szzx.qingdao.example.gov.cn/dx/\n"
          "language: zh-CN\npublisher: 青岛市民营经济发展局\n"
          "description: 合成的基准测试内容：%d 家服务商、%d 个案例。\n" % (len(providers), len(cases)))
    counts = {}
    for p in providers:
        if p["status"] in ("recommended", "publicity"):
            for t in p["types"]:
                for ind in p["industries"]:
                    counts[(ind, t)] = counts.get((ind, t), 0) + 1
    lines = ["# 四个细分行业；名额按合成内容放宽，使基准内容没有警告。"]
    for ind, name, summary, _ in INDUSTRIES:
        quota = ", ".join("%s: [0, %d]" % (t, counts.get((ind, t), 0) + 10) for t in ("integrator", "product", "chain-leader"))
        lines.append("- id: %s\n  name: %s\n  summary: %s\n  quotas: {%s}" % (ind, name, summary, quota))
    write(os.path.join(content, "industries.yaml"), "\n".join(lines) + "\n")

    covers = []
    for i, (name, colour) in enumerate(zip(COVER_NAMES, COVER_COLOURS)):
        covers.append("media/covers/%s.svg" % name)
        write(os.path.join(content, covers[-1]), cover_svg(name, colour, i))

    bodies = []  # (kind, id, title, date, body) for the Hugo site

    for p in providers:
        noun = next(x[3] for x in INDUSTRIES if x[0] == p["industries"][0])
        links = [("典型案例", "/cases/%s/" % p["cases"][0]), ("行业目录", "/industries/%s/" % p["industries"][0])]
        body = corpus.body("服务的中小企业", p["name"], noun, links, target=args.body_bytes)
        fm = ["name: %s" % p["name"], "credit_code: %s" % q(p["credit_code"]), "types: [%s]" % ", ".join(p["types"]),
              "industries: [%s]" % ", ".join(p["industries"]), "district: %s" % p["district"],
              "service_areas: [%s]" % ", ".join(p["service_areas"]),
              "summary: %s专注%s企业的数字化改造，提供从诊断咨询到系统实施的一站式服务。" % (p["name"][:8], noun),
              "website: https://%s.example.com/" % p["id"],
              "contact:\n  person: 王工\n  phone: %s\n  email: service@%s.example.com" % (q("0532-5555%04d" % (int(p["id"][1:]) % 10000)), p["id"])]
        if "parent_credit_code" in p:
            fm.append("parent_credit_code: %s" % q(p["parent_credit_code"]))
        if "product" in p["types"]:
            fm.append("products:")
            for k in range(r.randint(1, 3)):
                fm.append("  - name: %s 数字化套件 %d\n    areas: [%s]\n    summary: 面向%s车间，即插即用，一周上线。"
                          % (p["name"][2:6], k + 1, r.choice(AREAS), noun))
        if "chain-leader" in p["types"]:
            fm.append("chain_leader:\n  mode: %s\n  revenue_last_year: %d\n  pilot_enterprises: %d\n  platforms: [国家级工业互联网平台]"
                      % (r.choice(["lead", "ecosystem"]), r.randint(10, 300) * 100_000_000, r.randint(10, 60)))
        if p["status"] != "recommended":
            fm.append("status: %s" % p["status"])
        fm.append("history:\n  - {date: 2024-02-07, status: publicity, note: 列入推荐服务商名单公示}")
        if p["status"] != "publicity":
            fm.append("  - {date: 2024-02-26, status: %s, note: 状态变更}" % p["status"])
        write(os.path.join(content, "providers", p["id"] + ".md"), "---\n" + "\n".join(fm) + "\n---\n\n" + body)
        bodies.append(("providers", p["id"], p["name"], date(2024, 2, 26), body))

    for c in cases:
        p = by_id[c["provider"]]
        metric = r.sample(METRICS, r.randint(1, 3))
        results = []
        for m, unit in metric:
            before = r.randint(10, 90) if r.random() < 0.5 else round(r.uniform(10, 90), 1)
            after = round(before * r.uniform(0.5, 1.6), 1) if r.random() < 0.5 else int(before * r.uniform(0.5, 1.6))
            results.append("  - {metric: %s, before: %s, after: %s, unit: %s}" % (m, before, after, q(unit)))
        areas = ["数字化能力评估"] if c["role"] == "assessment" else sorted(r.sample(AREAS, r.randint(1, 3)), key=AREAS.index)
        title = "%s%s%s项目" % (c["enterprise"].split("（")[0][2:], r.choice(["生产管理", "设备联网", "质量追溯", "仓储物流", "能源管理"]),
                                "数字化能力评估" if c["role"] == "assessment" else "数字化改造")
        fm = ["title: %s" % title, "provider: %s" % c["provider"], "industry: %s" % c["industry"],
              "enterprise: %s" % c["enterprise"], "role: %s" % c["role"],
              "location: %s" % ("qingdao" if r.random() < 0.8 else "elsewhere"), "areas: [%s]" % ", ".join(areas)]
        if c["showroom"]:
            fm.append("showroom: true")
        fm += ["date: %s" % c["date"].isoformat(),
               "summary: 为%s实施数字化改造，交付周期缩短、质量和效率明显提升。" % c["enterprise"], "results:"] + results
        if r.random() < 0.6:
            fm.append("cover: %s" % r.choice(covers))
        links = [("服务商介绍", "/providers/%s/" % p["id"]), ("行业目录", "/industries/%s/" % c["industry"])]
        body = corpus.body(c["enterprise"], p["name"], c["noun"], links, target=args.body_bytes)
        write(os.path.join(content, "cases", c["id"] + ".md"), "---\n" + "\n".join(fm) + "\n---\n\n" + body)
        bodies.append(("cases", c["id"], title, c["date"], body))

    active = [p["id"] for p in providers if p["status"] != "withdrawn"]
    notices = max(1, args.cases // 100)
    for i in range(notices):
        nid = "n%04d" % (i + 1)
        kind = ["call", "publicity", "result", "other"][i % 4]
        published = corpus.day(date(2019, 3, 1), date(2025, 11, 30))
        written = published - timedelta(days=r.randint(0, 3))
        year = published.year
        title = {"call": "关于开展%d年第%d批中小企业数字化转型服务商遴选工作的通知",
                 "publicity": "关于%d年第%d批数字化转型推荐服务商名单的公示",
                 "result": "关于公布%d年第%d批数字化转型推荐服务商名单的通知",
                 "other": "%d年第%d期中小企业数字化转型工作简报"}[kind] % (year, i + 1)
        fm = ["title: %s" % title, "kind: %s" % kind, "index_no: %s" % q("%019d" % (r.getrandbits(60))),
              "category: 工业、交通", "written: %s" % written.isoformat(), "published: %s" % published.isoformat(),
              "doc_no: 青民发字〔%d〕%d号" % (year, i + 1), "issuers: [青岛市民营经济发展局, 青岛市工业和信息化局]",
              "validity: 有效", "reg_no: \"\"", "addressees: 各区、市民营经济主管部门，各有关单位"]
        if kind == "call":
            first = published + timedelta(days=r.randint(10, 20))
            fm.append("deadlines:\n  - {label: 网上申报截止, at: \"%s 17:00\"}\n  - {label: 区市推荐截止, at: %s}"
                      % (first.isoformat(), (first + timedelta(days=7)).isoformat()))
        if kind == "publicity":
            candidates = r.sample(active, min(len(active), r.randint(10, 20)))
            fm.append("publicity:\n  start: %s\n  working_days: 5\n  candidates: [%s]"
                      % ((published + timedelta(days=1)).isoformat(), ", ".join(candidates)))
        fm.append("contacts:\n  - {unit: 市民营经济局政策规划处, person: 李明, phone: \"0532-55559001\"}\n"
                  "  - {unit: 市中小企业公共服务中心热线, person: \"\", phone: \"0532-55559003\"}")
        fm.append("attachments:\n  - {title: 申报书模板, url: \"https://www.qingdao.gov.cn/attachments/%s.docx\"}" % nid)
        links = [("行业目录", "/industries/%s/" % INDUSTRIES[i % 4][0]), ("通知公告", "/notices/")]
        body = corpus.body("各申报企业", "市民营经济局", INDUSTRIES[i % 4][3], links, target=args.body_bytes)
        write(os.path.join(content, "notices", nid + ".md"), "---\n" + "\n".join(fm) + "\n---\n\n" + body)
        bodies.append(("notices", nid, title, published, body))

    if args.hugo:
        write_hugo(args.hugo, bodies)
    if args.bodies:  # every body in one file, for the cmark-gfm floor (render the Markdown and nothing else)
        write(args.bodies, "\n".join(b[4] for b in bodies))
    total = sum(len(b[4].encode()) for b in bodies)
    print("wrote %s: %d providers, %d cases, %d notices; %.1f MB of Markdown bodies (%.0f bytes each)%s"
          % (out, len(providers), len(cases), notices, total / 1e6, total / len(bodies),
             "; Hugo site in %s" % args.hugo if args.hugo else ""))


HUGO_CONFIG = """baseURL = "https://szzx.qingdao.example.gov.cn/dx/"
languageCode = "zh-cn"
title = "基准测试"
disableKinds = ["taxonomy", "term"]
[markup.goldmark.renderer]
unsafe = false
"""
HUGO_BASEOF = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>
{{ .Content }}</article>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ len .Pages }}</p>{{ end }}
"""


def write_hugo(dest, bodies):
    """The same bodies as Hugo pages: minimal front matter, a minimal layout, no taxonomies (issue 8's setup)."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(os.path.join(dest, "layouts", "_default"))
    write(os.path.join(dest, "hugo.toml"), HUGO_CONFIG)
    write(os.path.join(dest, "layouts", "_default", "baseof.html"), HUGO_BASEOF)
    write(os.path.join(dest, "layouts", "_default", "single.html"), HUGO_SINGLE)
    write(os.path.join(dest, "layouts", "_default", "list.html"), HUGO_LIST)
    for section in ("providers", "cases", "notices"):
        os.makedirs(os.path.join(dest, "content", section))
    for section, ident, title, day, body in bodies:
        write(os.path.join(dest, "content", section, ident + ".md"),
              "---\ntitle: %s\ndate: %s\n---\n\n%s" % (q(title), day.isoformat(), body))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20000, help="number of cases (providers = cases/10, notices = cases/100)")
    parser.add_argument("--seed", type=int, default=8, help="random seed (same seed, same corpus)")
    parser.add_argument("--out", required=True, help="site root to write (replaced if it exists)")
    parser.add_argument("--hugo", help="also write the same bodies as a Hugo site into this folder (replaced)")
    parser.add_argument("--bodies", help="also write every Markdown body, concatenated, into this file")
    parser.add_argument("--body-bytes", type=int, default=2500,
                        help="about how long each Markdown body is (default 2,500 bytes, issue 8's corpus); longer bodies "
                             "show whether memory grows with the bodies or only with the number of entries")
    args = parser.parse_args(argv)
    if args.cases < 100:
        parser.error("--cases must be at least 100")
    generate(args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
