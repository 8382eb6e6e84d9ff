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
    "You do not have permission to see this page. The attempt has been recorded.": "您无权查看此页面。本次访问已记录在案。",
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
    "Log in": "登录",
    "Log out": "退出登录",
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
        elif not entry.msgstr:
            missing.append(entry.msgid)
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
