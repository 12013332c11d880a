"""Destination text → province-level division (省、自治区、直辖市).

``北京``, ``北京市`` and ``京`` are the same place; ``广东省佛山市`` and ``佛山`` are 广东省.
Prefecture-level cities are known by name, so ``赴深圳`` lands in 广东省 too.  Anything
else (abroad, a typo) is :data:`OTHER`.
"""

from __future__ import annotations

import re
from functools import lru_cache

OTHER = "其他地区"

# full name, short name, one-character abbreviation
_PROVINCES = (
    ("北京市", "北京", "京"), ("天津市", "天津", "津"), ("上海市", "上海", "沪"), ("重庆市", "重庆", "渝"),
    ("河北省", "河北", "冀"), ("山西省", "山西", "晋"), ("辽宁省", "辽宁", "辽"), ("吉林省", "吉林", "吉"),
    ("黑龙江省", "黑龙江", "黑"), ("江苏省", "江苏", "苏"), ("浙江省", "浙江", "浙"), ("安徽省", "安徽", "皖"),
    ("福建省", "福建", "闽"), ("江西省", "江西", "赣"), ("山东省", "山东", "鲁"), ("河南省", "河南", "豫"),
    ("湖北省", "湖北", "鄂"), ("湖南省", "湖南", "湘"), ("广东省", "广东", "粤"), ("海南省", "海南", "琼"),
    ("四川省", "四川", "川"), ("贵州省", "贵州", "黔"), ("云南省", "云南", "滇"), ("陕西省", "陕西", "陕"),
    ("甘肃省", "甘肃", "甘"), ("青海省", "青海", "青"), ("台湾省", "台湾", "台"),
    ("内蒙古自治区", "内蒙古", "蒙"), ("广西壮族自治区", "广西", "桂"), ("西藏自治区", "西藏", "藏"),
    ("宁夏回族自治区", "宁夏", "宁"), ("新疆维吾尔自治区", "新疆", "新"),
    ("香港特别行政区", "香港", "港"), ("澳门特别行政区", "澳门", "澳"),
)

# Prefecture-level cities and prefectures by province (short names, without 市/地区/州 suffix).
_CITIES = {
    "河北省": "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 雄安",
    "山西省": "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁",
    "内蒙古自治区": "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安盟 锡林郭勒 阿拉善",
    "辽宁省": "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛",
    "吉林省": "长春 吉林市 四平 辽源 通化 白山 松原 白城 延边",
    "黑龙江省": "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭",
    "江苏省": "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁",
    "浙江省": "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 义乌",
    "安徽省": "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城",
    "福建省": "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德",
    "江西省": "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶",
    "山东省": "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽",
    "河南省": "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 济源",
    "湖北省": "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 仙桃 潜江 天门",
    "湖南省": "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西",
    "广东省": "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮",
    "广西壮族自治区": "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左",
    "海南省": "海口 三亚 三沙 儋州",
    "四川省": "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 阿坝 甘孜 凉山",
    "贵州省": "贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南 黔东南 黔南",
    "云南省": "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆",
    "西藏自治区": "拉萨 日喀则 昌都 林芝 山南 那曲 阿里",
    "陕西省": "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛 杨凌",
    "甘肃省": "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南",
    "青海省": "西宁 海东 海北 黄南 海南州 果洛 玉树 海西",
    "宁夏回族自治区": "银川 石嘴山 吴忠 固原 中卫",
    "新疆维吾尔自治区": "乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 和田 伊犁 "
                       "塔城 阿勒泰 石河子 五家渠 阿拉尔 图木舒克 北屯 铁门关 双河 可克达拉 昆玉 胡杨河 新星 白杨 准东",
}

_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "盟", "州", "县", "区")


@lru_cache(maxsize=None)
def _table() -> tuple[dict[str, str], tuple[str, ...]]:
    names: dict[str, str] = {}
    for full, short, abbreviation in _PROVINCES:
        names[full] = names[short] = names[abbreviation] = full
    for province, cities in _CITIES.items():
        for city in cities.split():
            names.setdefault(city, province)
    # Longest first, so 内蒙古 wins over 内, 吉林市 over 吉.
    prefixes = tuple(sorted((n for n in names if len(n) > 1), key=len, reverse=True))
    return names, prefixes


@lru_cache(maxsize=4096)
def province_of(destination: str) -> str:
    """The full province-level name for a destination, or :data:`OTHER`.

    >>> province_of("广东省佛山市"), province_of("京"), province_of("深圳")
    ('广东省', '北京市', '广东省')
    """
    names, prefixes = _table()
    place = re.sub(r"\s+", "", destination)
    if place in names:
        return names[place]
    for prefix in prefixes:
        if place.startswith(prefix):
            return names[prefix]
    bare = place
    for suffix in _SUFFIXES:
        if bare.endswith(suffix) and len(bare) > len(suffix) + 1:
            bare = bare[: -len(suffix)]
            break
    return names.get(bare, OTHER)


def province_order() -> list[str]:
    """Province-level names in the conventional statistical order."""
    return [full for full, _, _ in _PROVINCES]


def without_repeated_province(destinations: list[str]) -> list[str]:
    """Destinations as a sentence lists them: the province written once for consecutive places
    in it ("浙江省杭州市、浙江省宁波市" → "浙江省杭州市、宁波市").  Only a leading full province
    name followed by more text is dropped; a municipality ("北京市") is never cut.

    >>> without_repeated_province(["浙江省杭州市", "浙江省宁波市", "广东省广州市"])
    ['浙江省杭州市', '宁波市', '广东省广州市']
    """
    result, previous = [], None
    for place in destinations:
        province = province_of(place)
        short = place
        if province == previous and province != OTHER and place.startswith(province) and len(place) > len(province):
            short = place[len(province):]
        result.append(short)
        previous = province
    return result
