"""Fill src/yiwang/locale/zh_Hans/LC_MESSAGES/django.po from the table below (a maintainer's helper).

Usage: .venv/bin/python scripts/zh_translations.py   (needs ``pip install polib``; not a runtime dependency)
Prints msgids that still lack a translation. Translators may equally edit the .po file directly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ZH = {
    "The request is not valid.": "请求无效。",
    "Log in first.": "请先登录。",
    "You may not do this.": "您无权执行此操作。",
    "Not found.": "未找到。",
    "Audit log": "审计日志",
    "Verify the audit chain": "校验审计链",
    "Permission denied": "拒绝访问",
    "Success": "成功",
    "Failure": "失败",
    "Denied": "拒绝",
    "sequence": "序号",
    "time": "时间",
    "actor": "操作人",
    "actor name": "操作人名称",
    "acting for": "代理对象",
    "action": "操作",
    "object type": "对象类型",
    "object id": "对象编号",
    "object": "对象",
    "result": "结果",
    "client address": "客户端地址",
    "details": "详情",
    "audit record": "审计记录",
    "audit records": "审计记录",
    "Action": "操作",
    "All": "全部",
    "Filter": "筛选",
    "Time": "时间",
    "Actor": "操作人",
    "Acting for": "代理对象",
    "Object": "对象",
    "Result": "结果",
    "Client address": "客户端地址",
    "Pages": "分页",
    "Newer": "较新",
    "Page %(n)s of %(total)s": "第 %(n)s 页，共 %(total)s 页",
    "Older": "较早",
    "Platform core": "平台核心",
    "Load a year of the official working-day calendar": "导入一年的法定工作日历",
    "Set a day of the official working-day calendar": "设置法定工作日历中的一天",
    "Create a backup": "创建备份",
    "Restore a backup": "恢复备份",
    "Not allowed": "无权访问",
    "You do not have permission to see this page. The attempt has been recorded.":
        "您无权查看此页面。本次访问已记录在案。",
    "Page not found": "页面不存在",
    "Back to the home page": "返回首页",
    "yiwang e-government": "一网通办",
    "Skip to content": "跳到正文",
    "Pudong e-government": "浦东一网通办",
    "Main": "主导航",
    "Logged in as": "当前用户",
    "Log out": "退出登录",
    "Log in": "登录",
    "Register": "注册",
    "Shanghai Pudong New Area People's Government": "上海市浦东新区人民政府",
    "Many departments, one government.": "多个部门，一个政府。",
    "Home": "首页",
    "My services": "我的办事",
    "Workbench": "工作台",
    "Staff workbench": "政务工作台",
    "My work": "我的工作",
    "Organisation": "组织机构",
    "Public portal": "公众门户",
    "Form expired": "表单已失效",
    "This form could not be accepted because its security token is missing or out of date. Nothing was "
    "changed. Please go back, reload the page and try again.":
        "此表单缺少安全令牌或安全令牌已过期，无法受理，未做任何更改。请返回并刷新页面后重试。",
    "Status": "状态",
    "resident identity number": "居民身份证号码",
    "Identity and organisation": "身份与组织",
    "Failed login": "登录失败",
    "Account locked after failed logins": "多次登录失败后锁定账号",
    "Register a citizen account": "注册自然人账号",
    "Register an enterprise": "注册法人",
    "Authorise an enterprise agent": "授权法人经办人",
    "Create a staff account": "创建工作人员账号",
    "Grant a staff role": "授予工作人员角色",
    "Revoke a staff role": "撤销工作人员角色",
    "Create an organisation unit": "创建组织机构",
    "User name or credit code": "用户名或统一社会信用代码",
    "Password": "密码",
    "The user name or password is wrong. Repeated failures lock the account for a while.":
        "用户名或密码错误。多次失败后账号将被暂时锁定。",
    "This account is disabled.": "此账号已停用。",
    "Real name": "真实姓名",
    "Resident identity number": "居民身份证号码",
    "Mobile number": "手机号码",
    "User name": "用户名",
    "Citizen": "自然人",
    "Enterprise": "法人",
    "Staff": "工作人员",
    "account kind": "账号类型",
    "real name": "真实姓名",
    "mobile number": "手机号码",
    "department": "所属部门",
    "The organisation a staff member belongs to.": "工作人员所属的机构。",
    "user": "用户",
    "users": "用户",
    "District government": "区政府",
    "Department (委办局)": "委办局",
    "Functional zone": "功能区",
    "Street (街道)": "街道",
    "Town (镇)": "镇",
    "Citizen centre": "市民中心",
    "Service window": "服务窗口",
    "parent": "上级机构",
    "kind": "类型",
    "code": "代码",
    "Department code, or the GB/T 10114 code of a street or town.": "部门代码，或街道、镇的 GB/T 10114 区划代码。",
    "unified social credit code": "统一社会信用代码",
    "name": "名称",
    "English name": "英文名称",
    "order": "排序",
    "organisation": "机构",
    "organisations": "机构",
    "Handler (承办人)": "承办人",
    "Department head": "部门负责人",
    "Window clerk (窗口人员)": "窗口人员",
    "Hotline agent (话务员)": "话务员",
    "Supervision officer (监察)": "监察人员",
    "Leader (领导)": "领导",
    "Platform administrator": "平台管理员",
    "staff member": "工作人员",
    "role": "角色",
    "granted at": "授予时间",
    "staff role": "工作人员角色",
    "staff roles": "工作人员角色",
    "legal representative": "法定代表人",
    "enterprise account": "法人账号",
    "registered at": "注册时间",
    "enterprise": "法人",
    "enterprises": "法人",
    "Legal representative": "法定代表人",
    "Authorised agent": "授权经办人",
    "agent": "经办人",
    "authorised at": "授权时间",
    "enterprise agent": "法人经办人",
    "enterprise agents": "法人经办人",
    "Please correct the errors below.": "请更正以下错误。",
    "Choose a user name of at most 150 characters.": "请设置不超过 150 个字符的用户名。",
    "This user name is taken.": "该用户名已被使用。",
    "Enter your real name as on your identity card.": "请填写与身份证一致的真实姓名。",
    "An account already exists for this identity number.": "该身份证号码已注册账号。",
    "This enterprise is already registered.": "该法人已注册。",
    "Enter the enterprise's registered name.": "请填写法人的登记名称。",
    "Enter the legal representative's name.": "请填写法定代表人姓名。",
    "Only a citizen account can act as an enterprise agent.": "只有自然人账号可以担任法人经办人。",
    "Unknown kind of organisation.": "未知的机构类型。",
    "Enter a code.": "请填写代码。",
    "An organisation with this code exists.": "该代码的机构已存在。",
    "An organisation with this credit code exists.": "该统一社会信用代码的机构已存在。",
    "Enter a name.": "请填写名称。",
    "Enter the staff member's real name.": "请填写工作人员的真实姓名。",
    "Unknown role: %(role)s": "未知角色：%(role)s",
    "Roles can only be granted to staff accounts.": "角色只能授予工作人员账号。",
    "Account locked": "账号已锁定",
    "Too many failed logins. This account is locked for a while from this address; try again later or ask "
    "the citizen centre for help.":
        "登录失败次数过多，该账号在此地址已被暂时锁定。请稍后再试，或向市民中心求助。",
    "No account yet?": "还没有账号？",
    "Register with your real name": "实名注册",
    "One person, one account: your resident identity number is checked and stored encrypted.":
        "一人一号：您的居民身份证号码经过校验并加密存储。",
    "Staff member": "工作人员",
    "Role": "角色",
    "No staff in this unit.": "该机构暂无工作人员。",
    "Name": "名称",
    "Kind": "类型",
    "Code": "代码",
    "Unified social credit code": "统一社会信用代码",
    "My roles": "我的角色",
    "A resident identity number has 18 characters.": "居民身份证号码应为 18 位。",
    "The check character of this identity number is wrong.": "身份证号码的校验码不正确。",
    "The birth date in this identity number does not exist.": "身份证号码中的出生日期不存在。",
    "This is not a valid resident identity number.": "这不是有效的居民身份证号码。",
    "The birth date in this identity number is in the future.": "身份证号码中的出生日期晚于今天。",
    "A unified social credit code has 18 characters.": "统一社会信用代码应为 18 位。",
    "The check character of this credit code is wrong.": "统一社会信用代码的校验码不正确。",
    "This is not a valid unified social credit code.": "这不是有效的统一社会信用代码。",
    "Your account is ready.": "您的账号已开通。",
    "One window for every government service in Pudong": "浦东政务服务，一网通办",
    "Apply once, follow every step, and let the departments work together behind one front door.":
        "一次申请，全程可查；多个部门，在同一个窗口后协同办理。",
    "Welcome, %(name)s": "欢迎您，%(name)s",
    "My account": "我的账号",
    "Account kind": "账号类型",
    "Enterprises I act for": "我代理的法人",
    "Registered name of the enterprise": "法人登记名称",
    "Password of the enterprise account": "法人账号密码",
    "The enterprise logs in with its credit code and this password.": "法人以统一社会信用代码和此密码登录。",
    "You become the enterprise's first authorised agent and can act for it on every page.":
        "注册后您将成为该法人的首位授权经办人，可在各页面代其办事。",
    "%(name)s is registered; you act for it as its agent.": "%(name)s 已注册，您是其授权经办人。",
    # --- core: the official working-day calendar (forms, models, services, page) ---
    "Working-day calendar": "工作日历",
    "Year": "年份",
    "Source": "来源",
    "The notice the schedule was published in, e.g. 国办发明电〔YYYY〕N号.":
        "发布该安排的通知文号，如 国办发明电〔YYYY〕N号。",
    "Schedule file (CSV or JSON)": "节假日安排文件（CSV 或 JSON）",
    "CSV with the header “date,kind,name”, one line per holiday or make-up working day; "
    "kind is “holiday” or “workday”. Ordinary weekdays and weekends are not listed.":
        "CSV 文件首行为表头“date,kind,name”，每个节假日或调休上班日占一行；"
        "类型（kind）填写“holiday”或“workday”。普通工作日和周末无需列出。",
    "Replace the year if it is already loaded": "替换已导入的年份",
    "The file is larger than %(kb)d KB.": "文件大小超过 %(kb)d KB。",
    "year": "年份",
    "source": "来源",
    "Where the schedule comes from, e.g. the State Council notice number.":
        "节假日安排的来源，如国务院办公厅通知的文号。",
    "loaded at": "导入时间",
    "loaded by": "导入人",
    "last changed": "最后修改时间",
    "calendar year": "日历年度",
    "calendar years": "日历年度",
    "Holiday (no work)": "节假日（放假）",
    "Make-up working day (调休)": "调休上班日",
    "date": "日期",
    "calendar day": "日历日期",
    "calendar days": "日历日期",
    "Enter a year between %(min)d and %(max)d.": "请输入 %(min)d 至 %(max)d 之间的年份。",
    "Entry %(n)d: expected a date, a kind and a name.": "第 %(n)d 条：应包含日期、类型和名称。",
    "Entry %(n)d: %(value)s is not a date.": "第 %(n)d 条：%(value)s 不是日期。",
    "Entry %(n)d: %(date)s is not in %(year)d.": "第 %(n)d 条：%(date)s 不在 %(year)d 年内。",
    "Entry %(n)d: %(date)s appears more than once.": "第 %(n)d 条：%(date)s 重复出现。",
    "Entry %(n)d: unknown kind “%(kind)s”; use “holiday” or “workday”.":
        "第 %(n)d 条：未知类型“%(kind)s”，类型请填写“holiday”或“workday”。",
    "Entry %(n)d: %(date)s is a weekday; a make-up working day is a Saturday or Sunday.":
        "第 %(n)d 条：%(date)s 为周一至周五，调休上班日只能是星期六或星期日。",
    "Entry %(n)d: the name is longer than 100 characters.": "第 %(n)d 条：名称超过 100 个字符。",
    "Say where the schedule comes from (e.g. the State Council notice).":
        "请填写节假日安排的来源（如国务院办公厅通知）。",
    "The source is longer than 200 characters.": "来源超过 200 个字符。",
    "The calendar for this year was not loaded: please correct the errors.": "该年份的日历未能导入，请更正错误。",
    "The calendar for %(year)s was loaded by someone else just now; check it and load again with “replace” if "
    "needed.":
        "%(year)s 年的日历刚刚已由他人导入；请先核对，如有需要，勾选“替换已导入的年份”后重新导入。",
    "Loaded concurrently.": "已被他人同时导入。",
    "The installed chinesecalendar package has no schedule for %(year)s.":
        "已安装的 chinesecalendar 软件包中没有 %(year)s 年的节假日安排。",
    "Not in the library; import the published schedule instead.": "软件包中没有该年份，请改为导入已公布的节假日安排。",
    "The file could not be read.": "无法读取该文件。",
    "The file holds no days.": "文件中没有任何日期。",
    "This is not valid JSON: %(error)s": "这不是有效的 JSON：%(error)s",
    "“year” must be a whole number.": "“year”必须为整数。",
    "Expected a list of days (or an object with a “days” list).": "应为日期列表（或包含“days”列表的对象）。",
    "Day %(n)d: expected an object with “date” and “kind”.": "第 %(n)d 项：应为包含“date”和“kind”的对象。",
    "Day %(n)d: “%(value)s” is not a date (use YYYY-MM-DD).":
        "第 %(n)d 项：“%(value)s”不是日期（请使用 YYYY-MM-DD 格式）。",
    "The file is neither UTF-8 nor GB18030 text.": "文件既不是 UTF-8 也不是 GB18030 编码的文本。",
    "The first line must be the header “date,kind,name”.": "第一行必须是表头“date,kind,name”。",
    "Row %(n)d: too many columns.": "第 %(n)d 行：列数过多。",
    "Row %(n)d: “%(value)s” is not a date (use YYYY-MM-DD).":
        "第 %(n)d 行：“%(value)s”不是日期（请使用 YYYY-MM-DD 格式）。",
    "This is not valid CSV: %(error)s": "这不是有效的 CSV：%(error)s",
    "The file is for %(file)s, not %(year)s.": "该文件是 %(file)s 年的安排，不是 %(year)s 年的。",
    "Does not match the year named in the file.": "与文件中注明的年份不一致。",
    "The calendar for %(year)s is already loaded.": "%(year)s 年的日历此前已导入。",
    "Tick “replace” to overwrite the loaded schedule of this year.":
        "如需覆盖该年份已导入的安排，请勾选“替换已导入的年份”。",
    "The calendar for %(year)s is not loaded; load the whole year first.":
        "%(year)s 年的日历尚未导入，请先导入全年安排。",
    "Unknown kind “%(kind)s”; use “holiday” or “workday”.": "未知类型“%(kind)s”，请填写“holiday”或“workday”。",
    "%(date)s is a weekday; a make-up working day is a Saturday or Sunday.":
        "%(date)s 为周一至周五，调休上班日只能是星期六或星期日。",
    "The name is longer than 100 characters.": "名称超过 100 个字符。",
    "Every deadline in the platform counts working days on this calendar: Monday to Friday, except public "
    "holidays, plus the weekends worked in lieu (调休).":
        "平台上的所有期限均按本日历计算工作日：周一至周五，法定节假日除外，另加调休上班的周末。",
    "The official schedule for %(year)s is not loaded yet. Deadlines that run into %(year)s are counted on "
    "weekends only and marked provisional until it is loaded.":
        "%(year)s 年的官方节假日安排尚未导入。导入之前，延续到 %(year)s 年的期限只扣除周末计算，并标注为暂定。",
    "Deadline calculator": "期限计算器",
    "Start date": "起算日期",
    "The day the time limit starts, e.g. the day of acceptance.": "期限起算之日，如受理之日。",
    "Working days": "工作日数",
    "Calculate": "计算",
    "%(n)s working days after %(start)s:": "%(start)s 后第 %(n)s 个工作日：",
    "The deadline runs past %(year)s, the last year whose official schedule is loaded; it is counted on "
    "weekends only and will be recomputed when the next year is loaded.":
        "期限超出 %(year)s 年（已导入官方节假日安排的最后一年），超出部分只扣除周末计算，"
        "导入下一年度的安排后将重新计算。",
    "Known years": "已导入年份",
    "Loaded": "导入时间",
    "Loaded by": "导入人",
    "Holidays": "节假日",
    "Make-up working days": "调休上班日",
    "system": "系统",
    "No year is loaded: every deadline is provisional.": "尚未导入任何年份，所有期限均为暂定。",
    "Holidays and make-up working days in %(year)s": "%(year)s 年的节假日和调休上班日",
    "Date": "日期",
    "Weekday": "星期",
    "This year has no holidays or make-up working days.": "本年度没有节假日或调休上班日。",
    "The official schedule for %(year)s is not loaded: its working days are Monday to Friday until it is.":
        "%(year)s 年的官方节假日安排尚未导入：导入之前，该年按周一至周五为工作日计算。",
    "Load a newly published year": "导入新公布的年度安排",
    "The State Council publishes each year's holidays in the autumn before. Enter them in a CSV or JSON file "
    "exactly as published and upload it here; loading recomputes every provisional deadline.":
        "国务院办公厅于每年秋季公布下一年的节假日安排。请按公布内容如实填入 CSV 或 JSON 文件并在此上传；"
        "导入后将重新计算所有暂定期限。",
    "Load the year": "导入该年度",
    "File format": "文件格式",
    "JSON: a list of objects with “date”, “kind” and “name”, or an object with “year”, “source” and such a "
    "“days” list.":
        "JSON 格式：由包含“date”“kind”和“name”的对象组成的列表，或包含“year”“source”及上述“days”列表的对象。",
    "The calendar for %(year)s is loaded.": "%(year)s 年的日历导入成功。",
    # --- core: deadline clocks (承诺时限 and other time limits counted in working days) ---
    "Running": "计时中",
    "Paused": "已暂停",
    "Stopped": "已停止",
    "purpose": "计时事项",
    "What the clock measures, e.g. “disclosure reply”.": "该计时器计量的事项，如“政府信息公开答复”。",
    "started on": "起算日期",
    "limit (working days)": "期限（工作日）",
    "state": "状态",
    "due on": "到期日",
    "provisional": "暂定",
    "The due date runs into a year whose official schedule is not loaded yet.":
        "到期日落在尚未导入官方节假日安排的年份。",
    "paused working days": "累计暂停工作日数",
    "Working days spent paused; they do not count against the limit.": "暂停期间的工作日，不计入期限。",
    "stopped on": "停止日期",
    "created at": "创建时间",
    "clock": "计时器",
    "clocks": "计时器",
    "reason": "原因",
    "paused on": "暂停日期",
    "resumed on": "恢复日期",
    "working days paused": "本次暂停工作日数",
    "clock pause": "计时暂停",
    "clock pauses": "计时暂停",
    "Say in at most 100 characters what the clock measures.": "请用不超过 100 个字符说明计时事项。",
    "The limit must be between 1 and %(max)d working days.": "期限须在 1 至 %(max)d 个工作日之间。",
    "Only a running clock can be paused.": "只有正在计时的计时器才能暂停。",
    "Give the reason for the pause in at most 200 characters.": "请用不超过 200 个字符说明暂停原因。",
    "A clock cannot pause before it started.": "计时器不能在起算日期之前暂停。",
    "A clock cannot pause before it last resumed (%(date)s).": "计时器不能在上次恢复日期（%(date)s）之前暂停。",
    "This clock has no open pause.": "该计时器没有未结束的暂停。",
    "No open pause.": "没有未结束的暂停。",
    "A clock cannot resume before it paused (%(date)s).": "计时器不能在暂停日期（%(date)s）之前恢复。",
    "Only a paused clock can resume.": "只有已暂停的计时器才能恢复。",
    "This clock has already stopped.": "该计时器已停止。",
    "A clock cannot stop before it started.": "计时器不能在起算日期之前停止。",
    # --- core: backup and restore (yiwang backup / yiwang restore) ---
    "There is no backup file at %(path)s.": "备份文件 %(path)s 不存在。",
    "%(name)s does not match the sha256 in its manifest: the file is damaged or was altered. "
    "Nothing was restored.":
        "%(name)s 与其清单中的 sha256 校验值不符：文件已损坏或被篡改。未恢复任何数据。",
    "%(name)s is a backup of a %(engine)s database; this database is %(vendor)s. Nothing was restored.":
        "%(name)s 是 %(engine)s 数据库的备份，而当前数据库为 %(vendor)s。未恢复任何数据。",
    "Backups are supported on SQLite and PostgreSQL, not on %(vendor)s.":
        "仅支持备份 SQLite 和 PostgreSQL 数据库，不支持 %(vendor)s。",
    "Backup and restore cannot run inside a database transaction.": "备份和恢复备份不能在数据库事务中运行。",
    "%(path)s already exists; choose another file name.": "%(path)s 已存在，请另选文件名。",
    "The manifest %(name)s cannot be read: %(error)s. Nothing was restored.":
        "无法读取清单文件 %(name)s：%(error)s。未恢复任何数据。",
    "The manifest %(name)s is not a backup manifest. Nothing was restored.":
        "%(name)s 不是备份清单文件。未恢复任何数据。",
    "%(name)s is not a SQLite backup (%(error)s). Nothing was restored.":
        "%(name)s 不是 SQLite 备份（%(error)s）。未恢复任何数据。",
    "%(name)s is damaged (%(error)s). Nothing was restored.": "%(name)s 已损坏（%(error)s）。未恢复任何数据。",
    "%(name)s is truncated or has trailing data. Nothing was restored.":
        "%(name)s 已被截断或末尾有多余数据。未恢复任何数据。",
    "%(name)s is a SQLite database but not a yiwang backup (it has no migration table). Nothing was restored.":
        "%(name)s 是 SQLite 数据库，但不是本平台（yiwang）的备份（其中没有数据库迁移记录表）。未恢复任何数据。",
    "pg_dump failed: %(error)s": "pg_dump 执行失败：%(error)s",
    "The backup failed: %(error)s": "备份失败：%(error)s",
    "The restore failed; the database was left as it was: %(error)s": "恢复备份失败，数据库保持原状：%(error)s",
    "%(name)s is not a PostgreSQL backup (%(error)s). Nothing was restored.":
        "%(name)s 不是 PostgreSQL 备份（%(error)s）。未恢复任何数据。",
    "%(name)s is a PostgreSQL archive but not a yiwang backup (it has no migration table). "
    "Nothing was restored.":
        "%(name)s 是 PostgreSQL 归档文件，但不是本平台（yiwang）的备份（其中没有数据库迁移记录表）。"
        "未恢复任何数据。",
    "pg_restore failed; the database was left as it was: %(error)s": "pg_restore 执行失败，数据库保持原状：%(error)s",
    "%(tool)s was not found on PATH; install the PostgreSQL client tools.":
        "在 PATH 中找不到 %(tool)s，请安装 PostgreSQL 客户端工具。",
    "exit status %(status)d": "退出状态码 %(status)d",
    "Backup written to %(path)s (%(size)d bytes).": "备份已写入 %(path)s（%(size)d 字节）。",
    "Restored %(path)s.": "已从 %(path)s 恢复备份。",
    "The backup predates %(count)d migration(s) of this version; run 'yiwang migrate' before starting the "
    "application.":
        "该备份早于本版本的 %(count)d 个数据库迁移；启动应用前请先运行“yiwang migrate”。",
    "Audit chain BROKEN after %(checked)d good records: %(problem)s":
        "审计链已断裂：在 %(checked)d 条完好记录之后出现问题：%(problem)s",
    "Audit chain intact: %(checked)d records verified.": "审计链完整：已校验 %(checked)d 条记录。",
    "Refusing to restore without confirmation: standard input is not a terminal. Pass --yes to restore anyway.":
        "未经确认，拒绝恢复备份：标准输入不是终端。如仍要恢复，请加上 --yes 参数。",
    "This replaces EVERY row of the database %(database)s with %(path)s; anything written since the backup is "
    "lost. Type '%(word)s' to continue: ":
        "此操作将用 %(path)s 替换数据库 %(database)s 中的全部数据，备份之后写入的所有内容都将丢失。"
        "输入“%(word)s”继续：",
    "Restore cancelled; nothing was changed.": "已取消恢复备份，未做任何更改。",
}


def main() -> int:
    path = Path(__file__).resolve().parent.parent / "src/yiwang/locale/zh_Hans/LC_MESSAGES/django.po"
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        if entry.msgid in ZH:
            entry.msgstr = ZH[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not entry.msgstr or "fuzzy" in entry.flags:
            # a fuzzy entry carries makemessages' guess from a similar msgid: never ship it
            missing.append(entry.msgid)
    po.metadata_is_fuzzy = False
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.metadata.pop("Plural-Forms", None)
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.save()
    for msgid in missing:
        print("untranslated:", repr(msgid))
    return 0


if __name__ == "__main__":
    sys.exit(main())
