/*
 * demo_shape.c: the seed district's enterprises and institutions by
 * category (see demo_shape.h).
 */
#include "cli/demo_shape.h"

const struct demo_category demo_categories[DEMO_NCATEGORIES] = {
	{ "school", "institution", "学校", 286 },
	{ "kindergarten", "enterprise", "幼儿园", 214 },
	{ "hospital", "institution", "卫生院", 42 },
	{ "market", "enterprise", "农贸市场", 58 },
	{ "scenic_spot", "enterprise", "景区", 12 },
	{ "entertainment", "enterprise", "娱乐城", 74 },
	{ "internet_cafe", "enterprise", "网吧", 61 },
	{ "mall", "enterprise", "商场", 33 },
	{ "station", "enterprise", "客运站", 9 },
	{ "pharmacy", "enterprise", "大药房", 243 },
	{ "restaurant", "enterprise", "饭店", 486 },
	{ "factory", "enterprise", "有限公司", 178 },
	{ "mine", "enterprise", "砖厂", 4 },
	{ "research", "institution", "农业科学研究所", 6 },
	{ "other", "enterprise", "服务中心", 20 },
};
