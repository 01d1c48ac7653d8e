"""Chinese names and summaries of the demo listings (issue 14): every demo listing has both
languages."""

from __future__ import annotations

from ..models import FundType
from .listings import FundSpec, SavingsSpec

FUND_NAMES_ZH = {
    "202301": "南十字现金增利货币",
    "202101": "南十字稳健债券A",
    "202105": "南十字纯债增强债券",
    "202108": "南十字短期信用债券",
    "202002": "南十字平衡成长混合",
    "202005": "南十字灵活配置混合",
    "202007": "南十字价值精选混合",
    "202011": "南十字消费升级股票",
    "202015": "南十字新能源先锋股票",
    "202017": "南十字医疗创新股票",
    "202019": "南十字蓝筹精选股票",
    "160119": "南十字中证500指数增强",
    "160121": "南十字创业板指数",
    "202023": "南十字半导体股票",
    "519001": "玉河天天宝货币",
    "519300": "玉河沪深300指数",
    "519050": "玉河上证50指数",
    "519110": "玉河稳定收益债券",
    "519112": "玉河政策性金融债债券",
    "519210": "玉河金色收获混合",
    "519410": "玉河红利成长股票",
    "519415": "玉河科技前沿股票",
    "519220": "玉河绿色转型混合",
    "009001": "财富市场收益宝货币",
    "009101": "财富市场核心债券",
    "009105": "财富市场超短债债券",
    "009201": "财富市场多元资产平衡混合",
    "009205": "财富市场稳健增强混合",
    "009301": "财富市场中证红利指数",
    "009305": "财富市场纳斯达克100指数（QDII）",
    "009308": "财富市场科创50指数",
    "009401": "财富市场优质龙头股票",
    "009405": "财富市场香港科技股票",
}
THEMES_ZH = {
    "government and policy-bank": "国债和政策性金融",
    "high-grade credit": "高等级信用",
    "short-term": "短期",
    "interest-rate": "利率",
    "policy-bank": "政策性金融",
    "investment-grade": "投资级",
    "very short-dated": "超短期",
    "large-cap": "大盘",
    "all-market": "全市场",
    "value": "价值",
    "dividend": "高股息",
    "low-carbon": "低碳",
    "global": "全球",
    "blue-chip": "蓝筹",
    "consumer brands": "消费品牌",
    "new-energy": "新能源",
    "healthcare": "医疗健康",
    "high-dividend": "高股息",
    "technology": "科技",
    "quality": "优质",
    "internet": "互联网",
    "semiconductor": "半导体",
    "CSI 500 Index": "中证500指数",
    "ChiNext Index": "创业板指数",
    "CSI 300 Index": "沪深300指数",
    "SSE 50 Index": "上证50指数",
    "CSI Dividend Index": "中证红利指数",
    "Nasdaq-100 Index": "纳斯达克100指数",
    "STAR 50 Index": "科创50指数",
}
# English name → (Chinese name, Chinese summary)
INSURANCE_ZH = {
    "Evergreen Term Life 20": (
        "常青定期寿险20年",
        "为家庭经济支柱提供20年身故保障，保费固定不变。",
    ),
    "Evergreen Critical Illness Care": (
        "常青重疾关爱",
        "确诊110种重大疾病中的任意一种即一次性赔付，保障至70岁。",
    ),
    "Evergreen Million Medical": (
        "常青百万医疗",
        "1万元免赔额以上的住院医疗费用，每年最高报销300万元；可逐年续保。",
    ),
    "Evergreen Travel and Accident Shield": (
        "常青出行意外保障",
        "境内外意外身故、伤残和意外医疗保障，保障期一年。",
    ),
    "Evergreen Child Education Plan": (
        "常青少儿教育金计划",
        "孩子22岁前父母身故或伤残的，由保险承担孩子的学费直至大学毕业。",
    ),
    "Fortune Market Golden Years Annuity": (
        "财富市场金色年华年金",
        "交费10年，60岁起每月领取保证终身的养老金。",
    ),
}
SAVINGS_NAMES_ZH = {
    "Jade River 3-Month Fixed Deposit": "玉河3个月定期存款",
    "Jade River 6-Month Fixed Deposit": "玉河6个月定期存款",
    "Jade River 12-Month Fixed Deposit": "玉河12个月定期存款",
    "Jade River 24-Month Fixed Deposit": "玉河24个月定期存款",
    "Fortune Market 36-Month Savings Plus": "财富市场36个月增利存款",
}


def fund_summary_zh(spec: FundSpec) -> str:
    theme = THEMES_ZH.get(spec.theme, spec.theme)
    return {
        FundType.MONEY_MARKET: "现金管理：投资银行存款、回购和短期票据；每天最高1万元快速赎回。",
        FundType.BOND: f"主要投资{theme}债券，追求稳健收益。",
        FundType.MIXED: f"随市场变化，在{theme}股票和债券之间灵活配置。",
        FundType.EQUITY: f"集中投资内地和香港的{theme}企业。",
        FundType.INDEX: f"紧密跟踪{theme}，费率低廉。",
    }[spec.fund_type]


def savings_summary_zh(spec: SavingsSpec, rate: str) -> str:
    return f"{spec.term_months}个月定期存款，年利率固定为{rate}。"
