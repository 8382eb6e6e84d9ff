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
    # --- identity: staff second factor, SMS codes, password reset, enterprise agents, assurance, sessions ---
    "Identity check": "身份核验",
    "Set up an authenticator app (second factor)": "设置验证器应用（双因素认证）",
    "Log in with the second factor": "通过双因素认证登录",
    "Wrong second-factor code": "动态验证码错误",
    "Log in with a recovery code": "使用恢复码登录",
    "Make new recovery codes": "重新生成恢复码",
    "Log out after inactivity": "长时间无操作自动退出登录",
    "Send an SMS one-time code": "发送短信验证码",
    "Refuse to send an SMS one-time code": "拒绝发送短信验证码",
    "Wrong, expired or exhausted SMS code": "短信验证码错误、已过期或尝试次数已用尽",
    "Refuse a citizen registration": "拒绝自然人注册",
    "Request a password reset": "申请找回密码",
    "Reset a password by SMS code": "通过短信验证码重置密码",
    "Ask to act for an enterprise": "申请代表法人办事",
    "Confirm an enterprise agent": "确认法人经办人",
    "Refuse or revoke an enterprise agent": "拒绝或撤销法人经办人",
    "Switch whom the user acts for": "切换办事身份",
    "Raise an identity assurance level": "提升身份认证等级",
    "Look up a visitor at the counter": "窗口查询办事人",
    "End a login session": "结束登录会话",
    "SMS code": "短信验证码",
    "The 6-digit code we sent to your mobile number.": "发送到您手机上的 6 位验证码。",
    "User name or resident identity number": "用户名或居民身份证号码",
    "Mobile number on file": "账号绑定的手机号码",
    "New password": "新密码",
    "I am its legal representative": "本人是该法人的法定代表人",
    "Confirm": "确认",
    "Refuse": "拒绝",
    "Reason": "原因",
    "Resident identity number on the card": "身份证上的居民身份证号码",
    "I checked the physical identity card and the person in front of me matches its photo":
        "本人已查验身份证原件，且办事人与证件照片相符",
    "Tick this only after checking the card itself.": "请在查验身份证原件后再勾选此项。",
    "Note": "备注",
    "You were logged out after %(minutes)d minutes without activity. Please log in again.":
        "您已超过 %(minutes)d 分钟无操作，系统已自动退出登录。请重新登录。",
    "Confirm your login with your second factor (authenticator app) first.":
        "请先通过双因素认证（验证器应用）确认登录。",
    "Self-asserted": "自行声明",
    "Verified against the population registry": "经人口库核验",
    "Verified in person at a counter": "窗口现场核验",
    "identity assurance level": "身份认证等级",
    "Waiting for confirmation": "待确认",
    "Confirmed": "已确认",
    "Refused or revoked": "已拒绝或已撤销",
    "status": "状态",
    "decided by": "处理人",
    "decided at": "处理时间",
    "Registration": "注册",
    "Password reset": "找回密码",
    "Change of mobile number": "更换手机号码",
    "sent at": "发送时间",
    "expires at": "失效时间",
    "failed attempts": "失败次数",
    "used at": "使用时间",
    "phone verification": "短信验证码",
    "phone verifications": "短信验证码",
    "Mobile number confirmed by SMS code": "已通过短信验证码确认手机号码",
    "Checked against the population registry": "经人口库比对核验",
    "Identity card checked at a counter": "窗口查验身份证",
    "Set by an administrator": "由管理员设置",
    "account": "账号",
    "method": "方式",
    "at": "时间",
    "verified by": "核验人",
    "note": "备注",
    "assurance event": "认证等级记录",
    "assurance events": "认证等级记录",
    "QR code for your authenticator app": "验证器应用二维码",
    "Start again: open the set-up page to get a new QR code.": "请重新开始：打开设置页面获取新的二维码。",
    "That code is not right. Check the time on your phone and try the newest code.":
        "验证码不正确。请检查手机时间是否准确，并输入最新的验证码。",
    "Too many wrong codes just now. Wait a minute, then enter the newest code.":
        "刚才输错验证码的次数过多。请等待一分钟，再输入最新的验证码。",
    "That code is not right.": "验证码不正确。",
    "Enter an 11-digit mainland mobile number.": "请输入 11 位中国大陆手机号码。",
    "A code was sent to this number a moment ago. Wait a minute before asking again.":
        "刚刚已向该号码发送过验证码，请一分钟后再重新获取。",
    "This number has received too many codes today. Try again tomorrow.":
        "该号码今日接收验证码的次数过多，请明天再试。",
    "Your Pudong e-government code is %(code)s, valid for %(minutes)d minutes. "
    "Never tell it to anyone, including staff.":
        "您的浦东一网通办验证码为 %(code)s，%(minutes)d 分钟内有效。切勿告知任何人，包括工作人员。",
    "The text message could not be sent. Please try again later.": "短信发送失败，请稍后再试。",
    "Enter the 6-digit code from the text message.": "请输入短信中的 6 位验证码。",
    "No code was sent to this number. Ask for a code first.": "尚未向该号码发送验证码，请先获取验证码。",
    "This code has been used already. Ask for a new code.": "该验证码已使用，请重新获取验证码。",
    "This code has expired. Ask for a new code.": "该验证码已过期，请重新获取验证码。",
    "Too many wrong codes. Ask for a new code.": "验证码输错次数过多，请重新获取验证码。",
    "The code is wrong. Check the text message and try again.": "验证码错误，请核对短信后重试。",
    "Too many password reset requests from this address. Try again in an hour.":
        "该地址申请找回密码的次数过多，请一小时后再试。",
    "The code is wrong or has expired. Ask for a new code if you need one.":
        "验证码错误或已过期。如有需要，请重新获取验证码。",
    "No enterprise is registered with this credit code. Register it instead.":
        "没有以该统一社会信用代码注册的法人，请先注册该法人。",
    "You already act for this enterprise.": "您已是该法人的经办人。",
    "Your request for this enterprise is already waiting for confirmation.": "您对该法人的申请已提交，正在等待确认。",
    "You cannot decide about your own authorisation.": "您不能处理对本人的授权。",
    "This authorisation was decided already.": "该授权已处理。",
    "Unknown assurance level or method.": "未知的认证等级或核验方式。",
    "An assurance level is never lowered.": "认证等级不能降低。",
    "This session has ended already.": "该会话已结束。",
    "Acting for %(name)s": "以%(name)s身份办事",
    "Acting for myself": "以本人身份办事",
    "Act for": "办事身份",
    "Myself": "本人",
    "Switch": "切换",
    "Identity check at the counter": "窗口身份核验",
    "Type the number from the visitor's physical identity card. After checking the card and its photo, raise "
    "the account to “verified in person”.":
        "请输入办事人身份证原件上的号码。查验证件及照片无误后，将该账号提升为“窗口现场核验”。",
    "Find the account": "查找账号",
    "Identity assurance level": "身份认证等级",
    "How the level was reached": "认证等级获得记录",
    "Record: verified in person": "登记为窗口现场核验",
    "Next visitor": "下一位办事人",
    "Enterprise agents": "法人经办人",
    "Act for an enterprise": "代表法人办事",
    "Ask to act for an enterprise that is already registered. Its legal representative or the enterprise "
    "account confirms you; until then you cannot act for it.":
        "申请代表已注册的法人办事。须经其法定代表人或法人账号确认；确认之前，您不能代其办事。",
    "Ask to act for it": "提交申请",
    "Register a new enterprise": "注册新法人",
    "My requests and authorisations": "我的申请和授权",
    "Agents to confirm": "待确认的经办人",
    "Agent": "经办人",
    "Decision": "处理",
    "Reason (optional)": "原因（选填）",
    "Revoke": "撤销",
    "Forgot your password?": "忘记密码？",
    "Recovery codes": "恢复码",
    "Your authenticator is set up.": "验证器应用已设置成功。",
    "Write these codes down or print them, and keep them apart from your phone. Each code logs you in once if "
    "your phone is lost. They are shown only now.":
        "请抄写或打印这些恢复码，并与手机分开保管。手机丢失时，每个恢复码可用于登录一次。恢复码仅显示这一次。",
    "I have kept them safe — continue": "我已妥善保存，继续",
    "You have %(left)s unused recovery code.": "您还有 %(left)s 个未使用的恢复码。",
    "New codes replace all the old ones.": "新生成的恢复码将取代全部旧恢复码。",
    "Set up a new authenticator": "重新设置验证器应用",
    "Set up your second factor": "设置双因素认证",
    "Setting up a new authenticator replaces the one you have now, and gives you new recovery codes.":
        "重新设置验证器应用将取代您当前的验证器，并为您生成新的恢复码。",
    "Staff accounts log in with a password and a code from an authenticator app. Set it up once now.":
        "工作人员账号登录时须输入密码和验证器应用中的动态验证码。请现在完成一次性设置。",
    "With an authenticator app, every login also asks for a code from your phone.":
        "设置验证器应用后，每次登录还需输入手机上显示的动态验证码。",
    "Install an authenticator app that supports TOTP on your phone.": "在手机上安装支持 TOTP 的验证器应用。",
    "Scan this QR code with the app, or type in the key below.": "用该应用扫描此二维码，或手动输入下方的密钥。",
    "Enter the six-digit code the app shows.": "输入应用显示的 6 位动态验证码。",
    "Key": "密钥",
    "Second factor": "双因素认证",
    "Confirm it is you": "确认本人身份",
    "Enter the six-digit code your authenticator app shows now. Lost your phone? Enter one of your recovery "
    "codes instead; each works once.":
        "请输入验证器应用当前显示的 6 位动态验证码。手机丢失？请改为输入一个恢复码，每个恢复码只能使用一次。",
    "Continue": "继续",
    "Repeated wrong codes lock the account for a while, like wrong passwords.":
        "与输错密码一样，多次输错验证码也会导致账号被暂时锁定。",
    "Enter your user name or identity number and the mobile number on your account. We send a code to that "
    "number.":
        "请输入用户名或身份证号码，以及账号绑定的手机号码。我们将向该号码发送验证码。",
    "Send the code": "发送验证码",
    "Choose a new password": "设置新密码",
    "Enter the code sent to %(phone)s and your new password. Every other login of the account ends.":
        "请输入发送至 %(phone)s 的验证码和新密码。该账号在其他地方的登录将全部退出。",
    "Change the password": "重置密码",
    "Ask for a new code": "重新获取验证码",
    "Enter the code we sent to %(phone)s.": "请输入发送至 %(phone)s 的验证码。",
    "Send the code again": "重新发送验证码",
    "Use another number": "更换手机号码",
    "Step 1 of 2: your mobile number. We send a 6-digit code to it; you enter the code with your name and "
    "identity number in step 2.":
        "第 1 步（共 2 步）：填写手机号码。我们将向该号码发送 6 位验证码；"
        "第 2 步请填写验证码以及您的姓名和身份证号码。",
    "A staff password needs at least %(min_length)d characters.": "工作人员密码至少需要 %(min_length)d 个字符。",
    "A staff password mixes at least %(min_classes)d of: lower-case letters, upper-case letters, digits, "
    "other characters.":
        "工作人员密码须至少包含以下字符中的 %(min_classes)d 类：小写字母、大写字母、数字、其他字符。",
    "Staff passwords have at least %(min_length)d characters and mix at least %(min_classes)d of: lower-case "
    "letters, upper-case letters, digits, other characters.":
        "工作人员密码至少 %(min_length)d 个字符，且须至少包含以下字符中的 %(min_classes)d 类："
        "小写字母、大写字母、数字、其他字符。",
    "We sent a 6-digit code to %(phone)s. It is valid for 5 minutes.": "已向 %(phone)s 发送 6 位验证码，5 分钟内有效。",
    "If the user name or identity number and the mobile number belong to one account, we have sent a code to "
    "that number.":
        "如果该用户名或身份证号码与手机号码属于同一账号，我们已向该号码发送验证码。",
    "Your password has been changed. Log in with the new one.": "密码已重置，请使用新密码登录。",
    "Your request to act for %(name)s waits for its legal representative or the enterprise to confirm it.":
        "您代表 %(name)s 办事的申请已提交，正在等待其法定代表人或该法人确认。",
    "Choose to confirm or to refuse.": "请选择确认或拒绝。",
    "%(agent)s may now act for %(name)s.": "%(agent)s 现可代表 %(name)s 办事。",
    "%(agent)s may not act for %(name)s.": "%(agent)s 不能代表 %(name)s 办事。",
    "You now act for yourself.": "您现在以本人身份办事。",
    "You now act for %(name)s.": "您现在以%(name)s身份办事。",
    "That session has been ended; whoever used it must log in again.": "该会话已结束，使用该会话的人须重新登录。",
    "Nobody has registered with this identity number yet.": "尚无人使用该身份证号码注册。",
    "%(name)s is now verified in person.": "%(name)s 已完成窗口现场核验。",
    "Six-digit code from your authenticator app": "验证器应用显示的 6 位动态验证码",
    "Code from your authenticator app, or a recovery code": "验证器应用中的动态验证码或恢复码",
    "You used a recovery code; %(left)d are left. Make new ones if you are running out, and set up your "
    "authenticator again if you lost it.":
        "您使用了一个恢复码，还剩 %(left)d 个。恢复码即将用完时请重新生成；如验证器丢失，请重新设置验证器应用。",
    "Account and security": "账号与安全",
    "Profile": "基本信息",
    "Some services need a higher level. Bring your identity card to a window of the citizen centre to be "
    "verified in person.":
        "部分服务需要更高的认证等级。请携带身份证到市民中心窗口进行现场核验。",
    "When": "时间",
    "Level": "等级",
    "How": "方式",
    "Linked enterprises": "关联法人",
    "You do not act for any enterprise.": "您尚未代表任何法人办事。",
    "Where you are logged in": "活动会话",
    "Logged in": "登录时间",
    "Last active": "最近活动时间",
    "Address": "IP 地址",
    "Browser": "浏览器",
    "This browser": "当前浏览器",
    "End this session": "结束此会话",
    "Applications you authorised": "已授权的应用",
    "You have not authorised any application.": "您尚未授权任何应用。",
    "Login history": "登录记录",
    "What": "操作",
    "No logins recorded yet.": "暂无登录记录。",
    # --- issue 3: OIDC provider, account page, lockout wording ---
    "Too many failed logins (wrong passwords or wrong verification codes) for this account, or from this network address. Logins to this account are paused for a while; try again later, reset your password by SMS, or ask the citizen centre for help.":
        "该账号或该网络地址登录失败次数过多（密码或验证码错误）。该账号暂时无法登录；请稍后再试、通过短信重置密码，或到市民中心窗口求助。",
    "Staff accounts log in with a password and a code from an authenticator app.": "工作人员账号登录需要密码和身份验证器应用生成的动态码。",
    "Application": "应用",
    "Department": "部门",
    "What it may see": "可获取的信息",
    "Since": "授权时间",
    "Withdraw access": "撤销授权",
    "allowed scopes": "允许的授权范围",
    "Single sign-on (OpenID Connect)": "统一身份认证（OpenID Connect）",
    "Register a department system as an OIDC client": "将部门系统登记为 OIDC 客户端",
    "Change an OIDC client": "修改 OIDC 客户端",
    "Rotate the ID token signing key": "轮换 ID 令牌签名密钥",
    "Refuse an OIDC authorisation request": "拒绝 OIDC 授权请求",
    "Issue an authorisation code to a department system": "向部门系统签发授权码",
    "Consent to share data with a department system": "同意向部门系统提供数据",
    "Refuse to share data with a department system": "拒绝向部门系统提供数据",
    "Withdraw a department system's access": "撤销部门系统的访问授权",
    "Issue tokens for an authorisation code": "凭授权码签发令牌",
    "Refresh tokens": "刷新令牌",
    "Refuse a token request": "拒绝令牌请求",
    "Authorisation code used twice: tokens revoked": "授权码被重复使用：已吊销令牌",
    "Refresh token used twice: token family revoked": "刷新令牌被重复使用：已吊销同源令牌",
    "Refuse a userinfo request": "拒绝用户信息请求",
    "Log out at a department system's request": "应部门系统请求退出登录",
    "Refuse a logout request from a department system": "拒绝部门系统的退出登录请求",
    "Log you in (an identifier for you that only this department's systems see)": "为您登录（仅本部门系统可见的用户标识）",
    "Your real name": "您的真实姓名",
    "Your mobile number": "您的手机号码",
    "Your resident identity number": "您的居民身份证号码",
    "The enterprise you act for, and your role in it": "您所代理的企业及您在其中的身份",
    "client": "客户端",
    "The department that owns and answers for this system.": "负责该系统的部门。",
    "Space-separated. A request for any other scope is refused.": "以空格分隔。请求其他范围将被拒绝。",
    "registered by": "登记人",
    "client profile": "客户端档案",
    "client profiles": "客户端档案",
    "person": "本人",
    "scopes": "授权范围",
    "withdrawn at": "撤销时间",
    "consent": "授权同意",
    "consents": "授权同意",
    "authorisation": "授权",
    "authorisations": "授权",
    "subject identifier": "用户标识",
    "subject identifiers": "用户标识",
    "%(uri)s is not an absolute URL.": "%(uri)s 不是完整的网址。",
    "%(uri)s must not contain a fragment, a wildcard or user information.": "%(uri)s 不得包含片段标识、通配符或用户信息。",
    "%(uri)s must use https (http only to 127.0.0.1 or localhost during development).":
        "%(uri)s 必须使用 https（仅开发时允许以 http 访问 127.0.0.1 或 localhost）。",
    "No department has the code %(code)s.": "没有代码为 %(code)s 的部门。",
    "Give the system a name that people will recognise.": "请为系统起一个群众能认出的名称。",
    "At least one redirect URI is needed.": "至少需要一个回调地址。",
    "Unknown scopes: %(scopes)s.": "未知的授权范围：%(scopes)s。",
    "Share your data with a government system?": "是否向政务系统提供您的信息？",
    "This login request cannot be accepted": "无法接受此登录请求",
    "The system that sent you here made a request we refuse. Go back to it and try again, or contact its department.":
        "将您转到这里的系统发出了不被接受的请求。请返回该系统重试，或联系其所属部门。",
    "Log in to %(name)s": "登录%(name)s",
    "This system belongs to %(department)s.": "该系统属于%(department)s。",
    "It asks to receive:": "它请求获取：",
    "only departments allowed to by the platform administrators may ask for this": "仅经平台管理员准许的部门可以请求此项",
    "You act for %(name)s (%(code)s); the system will see this enterprise and your role in it.":
        "您正在代理%(name)s（%(code)s）；该系统将获知此企业及您在其中的身份。",
    "You are not acting for an enterprise now, so the system receives no enterprise data. Switch to an enterprise first if you want to act for it.":
        "您当前未代理任何企业，系统不会获得企业信息。如需以企业身份办理，请先切换到该企业。",
    "Your consent is remembered for this system. You can withdraw it at any time on your account page.":
        "系统将记住您的同意。您可以随时在账号页面撤销。",
    "Allow and continue": "同意并继续",
    "This logout request cannot be accepted": "无法接受此退出登录请求",
    "The system that sent you here made a logout request we refuse. You are still logged in here; use the Log out button above to leave.":
        "将您转到这里的系统发出了不被接受的退出请求。您仍处于登录状态；如需退出，请使用上方的“退出登录”按钮。",
    "Log out of the government portal?": "是否退出政务服务门户？",
    "%(name)s asks to log you out.": "%(name)s请求为您退出登录。",
    "Logging out ends your session here and in the government systems you logged in to through it.":
        "退出后，您在本门户以及通过本门户登录的各政务系统中的会话都将结束。",
    "Stay logged in": "保持登录",
    "Unknown system.": "未知系统。",
    "%(name)s can no longer use your data. It will ask for your consent again.": "%(name)s已不能再使用您的信息。下次使用时将重新征求您的同意。",
}


def main() -> int:
    path = Path(__file__).resolve().parent.parent / "src/yiwang/locale/zh_Hans/LC_MESSAGES/django.po"
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        if entry.msgid in ZH:
            if entry.msgid_plural:  # Chinese has one plural form (nplurals=1)
                entry.msgstr_plural = {0: ZH[entry.msgid]}
            else:
                entry.msgstr = ZH[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not (entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr) or "fuzzy" in entry.flags:
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
