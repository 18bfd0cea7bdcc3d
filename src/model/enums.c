/*
 * enums.c: the enumerations of DOMAIN.md as data: codes, Chinese labels,
 * which are open to the office's additions and which items the code names.
 * Nothing here decides anything; the lookups, and the office's edits laid
 * over these tables (字典管理), are dict.c's.
 */
#include "model/enums.h"

#include <stddef.h>

/*
 * E: a closed enumeration, whose items the code and the determination rules
 * name (every item 系统内置); O: an open one, to which the office may add
 * items in the dictionary, and of whose items it may disable those not
 * marked fixed (a third member 1: an item the code names).
 */
#define ENUM_DEF(name, label, open, ...) \
	static const struct enum_item name##_items[] = { __VA_ARGS__, { NULL, NULL, 0 } }; \
	const struct enum_desc enum_##name = { #name, label, open, name##_items }
#define E(name, label, ...) ENUM_DEF(name, label, 0, __VA_ARGS__)
#define O(name, label, ...) ENUM_DEF(name, label, 1, __VA_ARGS__)

E(region_level, "区划层级", { "province", "省" }, { "city", "市" }, { "district", "区县" },
  { "township", "乡镇/街道" }, { "village", "村/社区" }, { "grid", "网格" });
E(dept_role, "部门职能", { "office", "创建办公室" }, { "petition", "信访牵头" },
  { "safety", "应急牵头" }, { "police", "公安牵头" },
  { "supervisor", "行业主管" }, { "township", "乡镇" });
E(user_role, "用户角色", { "office", "创建办公室" }, { "petition", "信访局" },
  { "safety", "应急管理局" }, { "police", "公安局" },
  { "supervisor", "行业主管部门" }, { "township", "乡镇/街道" },
  { "subject", "创建主体" }, { "grid", "网格员" },
  { "region", "市/省创建办" }, { "sysadmin", "系统管理员" }, { "secadmin", "安全管理员" },
  { "auditadmin", "审计管理员" }, { "none", "待授权" });
E(subject_kind, "主体类型", { "village", "行政村" }, { "community", "社区" },
  { "enterprise", "企业" }, { "institution", "事业单位" });
O(subject_category, "主体类别", { "village", "行政村", 1 }, { "community", "社区", 1 },
  { "school", "学校" }, { "kindergarten", "幼儿园" }, { "hospital", "医院" },
  { "market", "市场" }, { "scenic_spot", "景区" }, { "entertainment", "娱乐场所" },
  { "internet_cafe", "网吧" }, { "mall", "商场" }, { "station", "车站" },
  { "pharmacy", "药店" }, { "restaurant", "饭店" }, { "factory", "厂矿" },
  { "mine", "矿山" }, { "research", "科研机构" }, { "airport", "机场" },
  { "other", "其他" });
E(petition_channel, "信访渠道", { "visit", "来访" }, { "letter", "来信" }, { "phone", "来电" },
  { "online", "网上" });
E(petition_level, "信访层级", { "village", "村级" }, { "township", "乡级" }, { "county", "县级" },
  { "city", "市级" }, { "province", "省级" }, { "national", "进京" });
O(petition_category, "信访类别", { "land", "土地征收" }, { "labour", "劳动社保" },
  { "law", "涉法涉诉" }, { "construction", "城乡建设" },
  { "environment", "生态环境" }, { "civil", "民政" }, { "other", "其他" });
E(petition_status, "信访办理状态", { "registered", "登记" }, { "accepted", "受理" },
  { "assigned", "交办" }, { "handling", "办理中" }, { "replied", "已答复" },
  { "resolved", "已化解" }, { "closed", "已办结" });
E(petition_work_kind, "四访两送方式", { "open_reception", "开门接访" }, { "case_visit", "带案下访" },
  { "appointment", "约访处访" }, { "home_visit", "登门拜访" },
  { "law_delivery", "送法上门" }, { "service_delivery", "送服务上门" });
O(safety_domain, "安全领域", { "gas", "城镇燃气" }, { "hazchem", "危险化学品" },
  { "road", "道路交通" }, { "construction", "建筑施工" }, { "fire", "消防" },
  { "other", "其他" });
E(hazard_level, "隐患等级", { "general", "一般隐患" }, { "major", "重大隐患" });
E(case_kind, "案件性质", { "criminal", "刑事案件" }, { "public_order", "治安案件" });
O(case_category, "案件类别", { "theft_robbery_fraud", "盗抢骗" },
  { "porn_gambling_drugs", "黄赌毒" }, { "telecom_fraud", "电信诈骗" },
  { "elder_fraud", "养老诈骗" }, { "violent", "暴力犯罪" }, { "other", "其他" });
E(case_status, "案件状态", { "filed", "立案" }, { "solved", "侦破" }, { "prosecuted", "移送起诉" },
  { "closed", "结案" });
O(dispute_source, "纠纷来源", { "grid", "网格排查" }, { "informant", "信息员" },
  { "petition", "信访转办" }, { "walk_in", "群众来访" }, { "hotline", "热线" });
O(dispute_category, "纠纷类别", { "family", "婚姻家庭邻里" }, { "land", "土地山林" },
  { "labour", "劳动争议" }, { "medical", "医疗" }, { "traffic", "道路交通" },
  { "property", "物业管理" }, { "finance", "金融" }, { "other", "其他" });
O(mediation_kind, "调解方式", { "people", "人民调解" }, { "administrative", "行政调解" },
  { "judicial", "司法调解" });
E(dispute_status, "调解状态", { "registered", "登记" }, { "mediating", "调解中" },
  { "success", "调解成功" }, { "failed", "调解失败" }, { "referred", "移交" });
E(risk_level, "风险等级", { "low", "低" }, { "medium", "中" }, { "high", "高" });
E(satisfaction, "满意度", { "satisfied", "满意" }, { "basic", "基本满意" }, { "unsatisfied", "不满意" });
E(village_record_kind, "村务记录类型", { "village_day", "逢六村务日" }, { "mediation_room", "调处室" });
E(accident_class, "事故等级", { "general", "一般事故" }, { "larger", "较大事故" }, { "major", "重大事故" },
  { "especially_major", "特别重大事故" });
E(hazard_state, "隐患整改状态", { "open", "未整改" }, { "rectified", "已整改" }, { "verified", "已验收" });
O(task_source, "任务来源", { "meeting", "会议决定", 1 }, { "standard", "创建标准" },
  { "superior", "上级交办" }, { "supervision", "督导发现" }, { "campaign", "专项行动" }, { "other", "其他" });
E(task_status, "任务状态", { "assigned", "已交办" }, { "in_progress", "推进中" }, { "done", "已完成" },
  { "verified", "已核销" }, { "cancelled", "已撤销" });
O(check_kind, "督导方式", { "routine", "常规督导" }, { "special", "专项督导" }, { "joint", "联合督导" },
  { "unannounced", "暗访" });
E(problem_source, "问题来源", { "supervision", "督导检查" }, { "determination", "认定未达标" },
  { "hazard", "重大隐患逾期" }, { "petition", "信访" }, { "other", "其他" },
  { "grid", "网格巡查走访" });
E(problem_level, "问题等级", { "general", "一般" }, { "major", "重大疑难" });
E(problem_status, "问题状态", { "open", "待整改" }, { "rectifying", "整改中" }, { "rectified", "已整改" },
  { "verified", "已销号" }, { "escalated", "提请协调" });
/* 督办 and the work calendar (duban.c) */
E(supervision_item_kind, "督办事项类型", { "task", "任务" }, { "problem", "问题" });
E(supervision_level, "督办级别", { "office", "三零办督办" }, { "leader", "领导督办" });
E(supervision_status, "督办状态", { "issued", "已下发" }, { "answered", "已反馈" }, { "closed", "已办结" },
  { "returned", "已退回" });
E(supervision_card, "督办牌", { "none", "无" }, { "yellow", "黄牌" }, { "red", "红牌" });
E(feedback_review, "反馈审核", { "pending", "待审核" }, { "accepted", "通过" }, { "returned", "退回" });
E(calendar_kind, "工作日历类型", { "holiday", "休" }, { "workday", "班" });

E(grid_staff_role, "网格人员职务", { "leader", "网格长" }, { "member", "网格员" });
E(patrol_slot, "巡查时段", { "am", "上午" }, { "pm", "下午" });
O(visit_kind, "走访类型", { "routine", "常态走访" }, { "difficulty", "困难帮扶" }, { "dispute", "矛盾排查" },
  { "safety", "安全宣传" }, { "other", "其他" });
E(police_kind, "警员类别", { "officer", "民警" }, { "auxiliary", "驻村辅警" });
O(informant_industry, "信息员行业", { "agriculture", "农业" }, { "commerce", "商贸" },
  { "transport", "交通运输" }, { "education", "教育" }, { "health", "医疗卫生" },
  { "construction", "建筑" }, { "catering", "餐饮" }, { "logistics", "物流" },
  { "finance", "金融" }, { "other", "其他" });
E(assessment_applies, "考评适用对象", { "township", "乡镇（街道）" }, { "sector", "行业主管部门" },
  { "both", "乡镇和行业部门" });
E(assessment_method, "考评计分方法", { "compliance_rate", "创建达标率" },
  { "tasks_on_time", "任务按时完成率" }, { "problems_on_time", "问题按时整改率" }, { "cards", "督办黄红牌扣分" },
  { "list_confirmed", "清单按月确认" }, { "manual", "手工评分" });
E(assessment_unit, "考评对象类型", { "township", "乡镇（街道）" }, { "sector", "行业主管部门" });

const struct enum_desc *const all_enums[] = {
	&enum_region_level, &enum_dept_role, &enum_user_role, &enum_subject_kind,
	&enum_subject_category, &enum_petition_channel, &enum_petition_level,
	&enum_petition_category, &enum_petition_status, &enum_petition_work_kind,
	&enum_safety_domain, &enum_hazard_level, &enum_case_kind,
	&enum_case_category, &enum_case_status, &enum_dispute_source,
	&enum_dispute_category, &enum_mediation_kind, &enum_dispute_status,
	&enum_risk_level, &enum_satisfaction, &enum_village_record_kind, &enum_accident_class,
	&enum_hazard_state, &enum_task_source, &enum_task_status, &enum_check_kind,
	&enum_problem_source, &enum_problem_level, &enum_problem_status,
	&enum_grid_staff_role, &enum_patrol_slot, &enum_visit_kind, &enum_police_kind,
	&enum_informant_industry,
	&enum_supervision_item_kind, &enum_supervision_level, &enum_supervision_status,
	&enum_supervision_card, &enum_feedback_review, &enum_calendar_kind,
	&enum_assessment_applies, &enum_assessment_method, &enum_assessment_unit, NULL
};
