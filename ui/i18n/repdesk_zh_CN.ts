<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountsTableModel</name>
    <message>
        <location filename="../models.py" line="34"/>
        <source>Hospital</source>
        <translation>医院</translation>
    </message>
    <message>
        <location filename="../models.py" line="35"/>
        <source>Community health centre</source>
        <translation>社区卫生服务中心</translation>
    </message>
    <message>
        <location filename="../models.py" line="36"/>
        <source>Pharmacy</source>
        <translation>药店</translation>
    </message>
    <message>
        <location filename="../models.py" line="37"/>
        <source>Clinic</source>
        <translation>诊所</translation>
    </message>
    <message>
        <location filename="../models.py" line="38"/>
        <source>Dental clinic</source>
        <translation>口腔诊所</translation>
    </message>
    <message>
        <location filename="../models.py" line="39"/>
        <source>Elderly care</source>
        <translation>养老机构</translation>
    </message>
    <message>
        <location filename="../models.py" line="40"/>
        <source>Distributor</source>
        <translation>经销商</translation>
    </message>
    <message>
        <location filename="../models.py" line="43"/>
        <source>Account</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../models.py" line="44"/>
        <source>English name</source>
        <translation>英文名称</translation>
    </message>
    <message>
        <location filename="../models.py" line="45"/>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../models.py" line="46"/>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../models.py" line="47"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../models.py" line="48"/>
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../models.py" line="49"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../models.py" line="50"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../models.py" line="51"/>
        <source>Follow-up</source>
        <translation>下次跟进</translation>
    </message>
</context>
<context>
    <name>ActionCardView</name>
    <message>
        <location filename="../inbox.py" line="212"/>
        <source>e-mail</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="212"/>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="212"/>
        <source>phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="213"/>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="215"/>
        <source>via %1</source>
        <translation>通过%1</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="216"/>
        <source>reply on the customer&apos;s channel</source>
        <translation>按客户使用的渠道回复</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="224"/>
        <source>Score of this action for this customer</source>
        <translation>此操作对该客户的评分</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="238"/>
        <source>Accept</source>
        <translation>采纳</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="239"/>
        <source>Reject…</source>
        <translation>拒绝…</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="240"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="253"/>
        <source>✓ Accepted</source>
        <translation>✓ 已采纳</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="253"/>
        <source>✗ Rejected</source>
        <translation>✗ 已拒绝</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="254"/>
        <source>✎ Edited</source>
        <translation>✎ 已编辑</translation>
    </message>
</context>
<context>
    <name>AppController</name>
    <message>
        <location filename="../controller.py" line="58"/>
        <source>Creating the demo workspace…</source>
        <translation>正在创建演示工作区…</translation>
    </message>
    <message>
        <location filename="../controller.py" line="146"/>
        <source> (+%1 more)</source>
        <translation>（另有 %1 条）</translation>
    </message>
    <message>
        <location filename="../controller.py" line="147"/>
        <source>RepDesk: new lead</source>
        <translation>RepDesk：新线索</translation>
    </message>
    <message>
        <location filename="../controller.py" line="197"/>
        <source>Model in use: %1</source>
        <translation>当前使用的模型：%1</translation>
    </message>
    <message>
        <location filename="../controller.py" line="214"/>
        <source>Sync disabled: %1</source>
        <translation>同步已禁用：%1</translation>
    </message>
    <message>
        <location filename="../controller.py" line="249"/>
        <source>This computer has no usable system keyring, so the key that encrypts your data is stored in a file readable only by you:
%1

Keep this computer&apos;s login protected. This message is shown once.</source>
        <translation>此电脑没有可用的系统密钥环，因此用于加密您数据的密钥已保存在一个仅您本人可读取的文件中：
%1

请确保此电脑的登录受到保护。此提示仅显示一次。</translation>
    </message>
    <message>
        <location filename="../controller.py" line="261"/>
        <source>RepDesk cannot open the workspace:
%1</source>
        <translation>RepDesk 无法打开工作区：
%1</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <location filename="../conflict_dialog.py" line="112"/>
        <source>Resolve sync conflict — %1</source>
        <translation>解决同步冲突 — %1</translation>
    </message>
    <message>
        <location filename="../conflict_dialog.py" line="123"/>
        <source>This record was changed here and on the central system since the last sync. For each field, keep your value (it is sent at the next sync) or take the central one.</source>
        <translation>自上次同步以来，此记录在本机和中心系统上均被修改。请逐个字段选择：保留您的值（将在下次同步时发送），或采用中心系统的值。</translation>
    </message>
    <message>
        <location filename="../conflict_dialog.py" line="130"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../conflict_dialog.py" line="130"/>
        <source>Yours (this computer)</source>
        <translation>您的值（本机）</translation>
    </message>
    <message>
        <location filename="../conflict_dialog.py" line="130"/>
        <source>Central</source>
        <translation>中心系统</translation>
    </message>
    <message>
        <location filename="../conflict_dialog.py" line="130"/>
        <source>Before both</source>
        <translation>修改前</translation>
    </message>
    <message>
        <location filename="../conflict_dialog.py" line="131"/>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <location filename="../conflict_dialog.py" line="150"/>
        <source>Keep mine</source>
        <translation>保留我的</translation>
    </message>
    <message>
        <location filename="../conflict_dialog.py" line="151"/>
        <source>Take central</source>
        <translation>采用中心系统</translation>
    </message>
    <message>
        <location filename="../conflict_dialog.py" line="179"/>
        <source>Resolve</source>
        <translation>解决</translation>
    </message>
    <message>
        <location filename="../conflict_dialog.py" line="248"/>
        <source>Could not resolve: %1</source>
        <translation>无法解决：%1</translation>
    </message>
</context>
<context>
    <name>ContactDialog</name>
    <message>
        <location filename="../edit_dialogs.py" line="147"/>
        <source>Edit a contact</source>
        <translation>编辑联系人</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="154"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="155"/>
        <source>Title</source>
        <translation>职务</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="155"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="155"/>
        <source>E-mail</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="156"/>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="161"/>
        <source>Consent: e-mail</source>
        <translation>许可：邮件</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="161"/>
        <source>Consent: phone</source>
        <translation>许可：电话</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="162"/>
        <source>Consent: SMS</source>
        <translation>许可：短信</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="162"/>
        <source>Consent: WeChat</source>
        <translation>许可：微信</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="166"/>
        <source>never asked</source>
        <translation>未询问</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="167"/>
        <source>agreed</source>
        <translation>已同意</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="168"/>
        <source>declined</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="177"/>
        <source>This account has no contacts.</source>
        <translation>该客户没有联系人。</translation>
    </message>
</context>
<context>
    <name>EditDraftDialog</name>
    <message>
        <location filename="../inbox.py" line="324"/>
        <source>Edit the reply</source>
        <translation>编辑回复</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="329"/>
        <source>Write the reply you will send…</source>
        <translation>输入您要发送的回复…</translation>
    </message>
</context>
<context>
    <name>InboxModel</name>
    <message>
        <location filename="../inbox.py" line="107"/>
        <source>Received</source>
        <translation>接收时间</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="107"/>
        <source>From</source>
        <translation>发件人</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="108"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="108"/>
        <source>Intent</source>
        <translation>意图</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="163"/>
        <source>(unknown sender)</source>
        <translation>（未知发件人）</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="169"/>
        <source>Urgent: waiting %1 h</source>
        <translation>紧急：已等待 %1 小时</translation>
    </message>
</context>
<context>
    <name>InboxView</name>
    <message>
        <location filename="../inbox.py" line="471"/>
        <source>New message</source>
        <translation>新消息</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="475"/>
        <source>All messages</source>
        <translation>全部消息</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="475"/>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="475"/>
        <source>Read</source>
        <translation>已读</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="476"/>
        <source>Done</source>
        <translation>已处理</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="503"/>
        <source>Select a message to see what the customer wants.</source>
        <translation>选择一条消息，查看客户的需求。</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="537"/>
        <source>Reply draft</source>
        <translation>回复草稿</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="540"/>
        <source>Draft reply</source>
        <translation>起草回复</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="541"/>
        <source>Cancel (Esc)</source>
        <translation>取消（Esc）</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="542"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="543"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="550"/>
        <source>The reply drafted by the on-device model appears here; nothing is sent — copy or edit it.</source>
        <translation>本机模型起草的回复会显示在这里；不会自动发送，可复制或编辑。</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="567"/>
        <source>New message…</source>
        <translation>新消息…</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="570"/>
        <source>Accept top suggestion</source>
        <translation>采纳首选建议</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="573"/>
        <source>Cancel draft</source>
        <translation>取消草稿</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="602"/>
        <location filename="../inbox.py" line="706"/>
        <source>The on-device assistant is not available: %1</source>
        <translation>本机助手不可用：%1</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="676"/>
        <source>(unknown sender)</source>
        <translation>（未知发件人）</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="680"/>
        <source>Loading suggestions…</source>
        <translation>正在加载建议…</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="707"/>
        <source>Preparing the on-device assistant…</source>
        <translation>正在准备本机助手…</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="712"/>
        <source>Recognising the intent and ranking actions…</source>
        <translation>正在识别意图并对操作排序…</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="730"/>
        <source>No suggestions for this message.</source>
        <translation>此消息暂无建议。</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="750"/>
        <location filename="../inbox.py" line="751"/>
        <source>needs review</source>
        <translation>需复核</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="751"/>
        <source>Intent</source>
        <translation>意图</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="757"/>
        <source>Alternatives: %1</source>
        <translation>备选：%1</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="761"/>
        <source>Because it resembles: “%1” (%2)</source>
        <translation>依据：与“%1”相似（%2）</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="770"/>
        <source>No action to suggest.</source>
        <translation>暂无可建议的操作。</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="782"/>
        <source>The on-device assistant is still being prepared; try again in a moment.</source>
        <translation>本机助手仍在准备中，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="840"/>
        <source>Intent corrected; the assistant has learnt it.</source>
        <translation>意图已更正，助手已学习。</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="989"/>
        <source>No on-device chat model is active, so replies cannot be drafted. Add or choose one under Settings → Models.</source>
        <translation>当前没有启用的本机对话模型，无法起草回复。请在“设置 → 模型”中添加或选择一个模型。</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="1005"/>
        <source>Drafting… (Esc cancels)</source>
        <translation>正在起草…（按 Esc 取消）</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="1036"/>
        <source>⚠ Not backed by any fact — check before sending: %1</source>
        <translation>⚠ 没有任何事实依据——发送前请核实：%1</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="1039"/>
        <source>⚠ The draft is not in the customer&apos;s language.</source>
        <translation>⚠ 草稿使用的语言与客户不一致。</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="1040"/>
        <source>Draft ready. Nothing is sent: copy or edit it.</source>
        <translation>草稿已生成。不会自动发送：可复制或编辑。</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="1051"/>
        <source>Draft cancelled.</source>
        <translation>草稿已取消。</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="1056"/>
        <source>The draft could not be written.</source>
        <translation>无法生成草稿。</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="1066"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="73"/>
        <source>Demo workspace</source>
        <translation>演示工作区</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="73"/>
        <source>Synced workspace</source>
        <translation>同步工作区</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="74"/>
        <source>Workspace</source>
        <translation>工作区</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="75"/>
        <source>RepDesk — %1</source>
        <translation>RepDesk — %1</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="98"/>
        <source>Select an account to see its contacts, opportunities and orders.</source>
        <translation>选择一个客户，查看其联系人、商机和订单。</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="100"/>
        <source>Add note…</source>
        <translation>添加记录…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="101"/>
        <source>Record a call, visit or note (saved at once, sent at the next sync)</source>
        <translation>记录电话、拜访或备注（立即保存，下次同步时发送）</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="103"/>
        <source>Update opportunity…</source>
        <translation>更新商机…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="105"/>
        <source>Edit contact…</source>
        <translation>编辑联系人…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="131"/>
        <source>Search accounts and contacts: name (中文/English), phone, email, code… (Ctrl+F)</source>
        <translation>搜索客户和联系人：名称（中文/English）、电话、邮箱、编码…（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="134"/>
        <source>All regions</source>
        <translation>全部区域</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="138"/>
        <source>All tiers</source>
        <translation>全部等级</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="140"/>
        <source>Tier %1</source>
        <translation>%1 级</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="142"/>
        <source>All owners</source>
        <translation>全部负责人</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="145"/>
        <source>Overdue follow-up</source>
        <translation>跟进已逾期</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="161"/>
        <location filename="../main_window.py" line="214"/>
        <source>Accounts</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="180"/>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="184"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="196"/>
        <source>Encrypted store (%1) · %2</source>
        <translation>加密存储（%1）· %2</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="199"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="204"/>
        <source>Offline workspace (not connected)</source>
        <translation>离线工作区（未连接）</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="214"/>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="214"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="215"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message numerus="yes">
        <location filename="../main_window.py" line="328"/>
        <source>%n account(s)</source>
        <translation>
            <numerusform>%n 个客户</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../main_window.py" line="352"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="356"/>
        <source>Syncing: %1 %2</source>
        <translation>正在同步：%1 %2</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="359"/>
        <source>Synced %1 · %2 in, %3 out</source>
        <translation>已同步 %1 · 收到 %2 条，发出 %3 条</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="362"/>
        <source> · %1 conflicts</source>
        <translation> · %1 个冲突</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="364"/>
        <source> · %1 not sent</source>
        <translation> · %1 条未发送</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="369"/>
        <source>Offline · changes are kept and sent when the server is back</source>
        <translation>离线 · 更改已保留，服务器恢复后将自动发送</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="371"/>
        <source>Sync problem: %1</source>
        <translation>同步出现问题：%1</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="387"/>
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="388"/>
        <source>Credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="389"/>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="390"/>
        <source>last</source>
        <translation>最近</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="391"/>
        <source>12-month revenue</source>
        <translation>近 12 个月销售额</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="392"/>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="393"/>
        <source>consent</source>
        <translation>联系许可</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="394"/>
        <source>Open opportunities</source>
        <translation>进行中的商机</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="395"/>
        <source>not yet synced</source>
        <translation>尚未同步</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="396"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="397"/>
        <source>Recent orders</source>
        <translation>最近订单</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="398"/>
        <source>Order value per month, last 12 months</source>
        <translation>近 12 个月每月订单金额</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="399"/>
        <source>Activities</source>
        <translation>活动记录</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="400"/>
        <source>Stock of what they buy</source>
        <translation>常购产品库存</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="401"/>
        <source>Recent messages</source>
        <translation>最近消息</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="402"/>
        <source>Competitor promotions in the region</source>
        <translation>本区域竞品促销</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="403"/>
        <source>until</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="413"/>
        <source>no consent recorded</source>
        <translation>未记录同意</translation>
    </message>
</context>
<context>
    <name>NewMessageDialog</name>
    <message>
        <location filename="../inbox.py" line="352"/>
        <source>New message</source>
        <translation>新消息</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="355"/>
        <source>The customer&apos;s message:</source>
        <translation>客户的消息：</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="357"/>
        <source>Paste the message here…</source>
        <translation>在此粘贴消息…</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="359"/>
        <source>Account (optional):</source>
        <translation>客户（可选）：</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="362"/>
        <source>Search by name, phone, e-mail or code…</source>
        <translation>按名称、电话、邮箱或编码搜索…</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="366"/>
        <source>No account chosen</source>
        <translation>未选择客户</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="410"/>
        <source>Account: %1</source>
        <translation>客户：%1</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message>
        <location filename="../edit_dialogs.py" line="60"/>
        <source>Add a note</source>
        <translation>添加记录</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="62"/>
        <source>Call</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="62"/>
        <source>Visit</source>
        <translation>拜访</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="62"/>
        <source>E-mail</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="63"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="63"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="69"/>
        <source>What happened, what was agreed, next step…</source>
        <translation>发生了什么、达成了什么、下一步…</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="70"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="71"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="72"/>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="73"/>
        <source>Saved on this laptop at once; sent to the central system at the next sync.</source>
        <translation>立即保存在本机；下次同步时发送到中心系统。</translation>
    </message>
</context>
<context>
    <name>OpportunityDialog</name>
    <message>
        <location filename="../edit_dialogs.py" line="89"/>
        <source>Update an opportunity</source>
        <translation>更新商机</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="97"/>
        <source>Lead</source>
        <translation>线索</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="97"/>
        <source>Qualified</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="97"/>
        <source>Proposal</source>
        <translation>方案</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="98"/>
        <source>Negotiation</source>
        <translation>谈判</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="98"/>
        <source>Won</source>
        <translation>赢单</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="98"/>
        <source>Lost</source>
        <translation>输单</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="110"/>
        <source>Opportunity</source>
        <translation>商机</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="111"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="112"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="113"/>
        <source>Probability</source>
        <translation>赢率</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="119"/>
        <source>This account has no open opportunities.</source>
        <translation>此客户没有进行中的商机。</translation>
    </message>
</context>
<context>
    <name>RejectDialog</name>
    <message>
        <location filename="../inbox.py" line="277"/>
        <source>Reject suggestion</source>
        <translation>拒绝建议</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="281"/>
        <source>Wrong intent — the customer wants:</source>
        <translation>意图有误——客户想要：</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="282"/>
        <source>Wrong action</source>
        <translation>操作不合适</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="282"/>
        <source>Bad timing</source>
        <translation>时机不对</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="283"/>
        <source>Other:</source>
        <translation>其他：</translation>
    </message>
    <message>
        <location filename="../inbox.py" line="295"/>
        <source>What was wrong? (needed for Other)</source>
        <translation>哪里不对？（选择“其他”时必填）</translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <location filename="../settings_view.py" line="167"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="225"/>
        <source>Central system</source>
        <translation>中心系统</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="232"/>
        <source>This is a demo workspace: it never connects to a central system. To work with your company&apos;s data, create a connected workspace with `repdesk connect tryton --url URL --database DB --user USER --workspace PATH`.</source>
        <translation>这是一个演示工作区，不会连接到任何中心系统。如需使用公司数据，请使用 `repdesk connect tryton --url URL --database DB --user USER --workspace PATH` 创建一个已连接的工作区。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="250"/>
        <source>Server address:</source>
        <translation>服务器地址：</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="251"/>
        <source>Database:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="252"/>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="258"/>
        <source>Sign in…</source>
        <translation>登录…</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="275"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="281"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="282"/>
        <source>Sync every:</source>
        <translation>同步间隔：</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="284"/>
        <source>A connected workspace also syncs when RepDesk starts, on F5, and as soon as the server answers again after an outage.</source>
        <translation>已连接的工作区还会在 RepDesk 启动时、按 F5 时，以及服务器中断后恢复响应时立即同步。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="289"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="296"/>
        <source>System language</source>
        <translation>跟随系统语言</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="302"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="306"/>
        <source>Local models</source>
        <translation>本地模型</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="317"/>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="317"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="317"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="317"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="318"/>
        <source>Quantisation</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="318"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="318"/>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="318"/>
        <source>Role</source>
        <translation>用途</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="331"/>
        <source>Add GGUF…</source>
        <translation>添加 GGUF…</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="334"/>
        <location filename="../settings_view.py" line="581"/>
        <source>Verify all</source>
        <translation>全部校验</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="337"/>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="360"/>
        <source>CPU threads:</source>
        <translation>CPU 线程数：</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="362"/>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="364"/>
        <source>Context size:</source>
        <translation>上下文长度：</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="365"/>
        <source>Write reply drafts with the local model</source>
        <translation>使用本地模型起草回复</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="380"/>
        <location filename="../settings_view.py" line="477"/>
        <source>Locked by your IT department: %1</source>
        <translation>由 IT 策略锁定：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../settings_view.py" line="388"/>
        <source>Only models approved by your IT department can be added or used (%n approved): %1</source>
        <translation>
            <numerusform>仅可添加或使用 IT 部门批准的模型（已批准 %n 个）：%1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../settings_view.py" line="395"/>
        <source>Some settings are managed by your IT department and cannot be changed here (%n locked).</source>
        <translation>
            <numerusform>部分设置由 IT 部门管理，无法在此更改（已锁定 %n 项）。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="407"/>
        <source>This workspace is connected to %1 as %2. Another system or user needs another workspace.</source>
        <translation>此工作区已以 %2 身份连接到 %1。连接其他系统或使用其他用户需另建工作区。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="409"/>
        <source>Sign in again…</source>
        <translation>重新登录…</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="412"/>
        <source>Not connected. Enter the server details and sign in to connect this workspace.</source>
        <translation>未连接。请输入服务器信息并登录，以连接此工作区。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="424"/>
        <source>Password saved in the system keyring.</source>
        <translation>密码已保存在系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="425"/>
        <source>Password taken from REPDESK_PASSWORD.</source>
        <translation>密码取自 REPDESK_PASSWORD。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="426"/>
        <source>No password saved: sign in to save it in the keyring.</source>
        <translation>未保存密码：登录后即可保存到密钥环。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="427"/>
        <source>This computer has no keyring: the password is asked for each session.</source>
        <translation>此电脑没有密钥环：每次会话都需要输入密码。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="428"/>
        <source>Not signed in.</source>
        <translation>未登录。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="430"/>
        <source>The keyring cannot be read.</source>
        <translation>无法读取密钥环。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="470"/>
        <source>Enter an address starting with http:// or https://.</source>
        <translation>请输入以 http:// 或 https:// 开头的地址。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="472"/>
        <source>Enter a single line of at most 120 characters.</source>
        <translation>请输入单行文本，最多 120 个字符。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="474"/>
        <source>Enter a whole number from %1 to %2.</source>
        <translation>请输入 %1 到 %2 之间的整数。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="496"/>
        <source>Enter the server address, the database and your user name first.</source>
        <translation>请先输入服务器地址、数据库和用户名。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="516"/>
        <source>Signed in to %1 (server %2).</source>
        <translation>已登录 %1（服务器 %2）。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="517"/>
        <source>The password is saved in the system keyring.</source>
        <translation>密码已保存在系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="518"/>
        <source>No keyring on this computer: the password is not saved and will be asked again.</source>
        <translation>此电脑没有密钥环：密码不会保存，下次需要重新输入。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="558"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="559"/>
        <source>chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="559"/>
        <source>embedding</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="581"/>
        <source>Verify selected</source>
        <translation>校验所选</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="601"/>
        <source>Add a local model</source>
        <translation>添加本地模型</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="602"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="609"/>
        <source>Checking %1…</source>
        <translation>正在检查 %1…</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="613"/>
        <source>Added %1.</source>
        <translation>已添加 %1。</translation>
    </message>
    <message numerus="yes">
        <location filename="../settings_view.py" line="641"/>
        <source>%n model(s) verified: the files are intact.</source>
        <translation>
            <numerusform>已校验 %n 个模型：文件完好。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../settings_view.py" line="647"/>
        <source>Verifying %n model(s)…</source>
        <translation>
            <numerusform>正在校验 %n 个模型…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="661"/>
        <source>%1 is now the active model.</source>
        <translation>%1 现在是当前使用的模型。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="669"/>
        <source>Checking the model…</source>
        <translation>正在检查模型…</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../settings_view.py" line="80"/>
        <source>Sign in to the central system</source>
        <translation>登录中心系统</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="83"/>
        <source>Sign in to %1 (database %2) as %3.</source>
        <translation>以 %3 身份登录 %1（数据库 %2）。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="89"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="91"/>
        <source>The password is kept in the system keyring only, never in RepDesk&apos;s files.</source>
        <translation>密码仅保存在系统密钥环中，绝不会写入 RepDesk 的文件。</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="103"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>SyncView</name>
    <message>
        <location filename="../sync_view.py" line="115"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="117"/>
        <source>Send queued changes and fetch what changed centrally (F5)</source>
        <translation>发送待发送的更改，并获取中心系统的变更（F5）</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="135"/>
        <source>Queued changes</source>
        <translation>待发送的更改</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="137"/>
        <source>Retry all failed</source>
        <translation>重试全部失败项</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="142"/>
        <location filename="../sync_view.py" line="165"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="142"/>
        <location filename="../sync_view.py" line="164"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="142"/>
        <location filename="../sync_view.py" line="164"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="142"/>
        <source>Local id</source>
        <translation>本地 ID</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="142"/>
        <source>Operation</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="143"/>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="143"/>
        <source>Queued at</source>
        <translation>排队时间</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="143"/>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="143"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="154"/>
        <source>Conflicts to review</source>
        <translation>待处理的冲突</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="156"/>
        <source>Show resolved</source>
        <translation>显示已解决</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="158"/>
        <source>Resolve…</source>
        <translation>解决…</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="164"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="164"/>
        <source>Yours</source>
        <translation>您的值</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="164"/>
        <source>Central</source>
        <translation>中心系统</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="165"/>
        <source>Before both</source>
        <translation>修改前</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="165"/>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="165"/>
        <source>Found at</source>
        <translation>发现时间</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="261"/>
        <source>&lt;b&gt;Central system&lt;/b&gt;: %1 · database &lt;b&gt;%2&lt;/b&gt; · user &lt;b&gt;%3&lt;/b&gt;</source>
        <translation>&lt;b&gt;中心系统&lt;/b&gt;：%1 · 数据库 &lt;b&gt;%2&lt;/b&gt; · 用户 &lt;b&gt;%3&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="265"/>
        <source>&lt;b&gt;Not connected&lt;/b&gt; to a central system: this workspace works offline only. Connect it in Settings.</source>
        <translation>&lt;b&gt;未连接&lt;/b&gt;中心系统：此工作区仅可离线使用。请在“设置”中连接。</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="274"/>
        <source>Offline workspace</source>
        <translation>离线工作区</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="276"/>
        <location filename="../sync_view.py" line="313"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="278"/>
        <source>Not synced yet</source>
        <translation>尚未同步</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="280"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="282"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="286"/>
        <source>Last sync: never</source>
        <translation>上次同步：从未</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="290"/>
        <source>succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="292"/>
        <source>failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="293"/>
        <source>%1 in</source>
        <translation>收到 %1 条</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="294"/>
        <source>%1 out</source>
        <translation>发出 %1 条</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="295"/>
        <source>%1 conflict(s)</source>
        <translation>%1 个冲突</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="297"/>
        <source>%1 not sent</source>
        <translation>%1 条未发送</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="299"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="300"/>
        <source>Last sync: %1 · %2 · %3 · %4</source>
        <translation>上次同步：%1 · %2 · %3 · %4</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="311"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="322"/>
        <source>%1: %2 of %3</source>
        <translation>%1：%2 / %3</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="325"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="327"/>
        <source>Syncing · %1</source>
        <translation>正在同步 · %1</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="334"/>
        <source>Synced at %1 · %2 in, %3 out</source>
        <translation>同步于 %1 · 收到 %2 条，发出 %3 条</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="337"/>
        <source> · %1 conflict(s)</source>
        <translation> · %1 个冲突</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="339"/>
        <source> · %1 not sent</source>
        <translation> · %1 条未发送</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="340"/>
        <source> · %1 s</source>
        <translation> · %1 秒</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="342"/>
        <source>Synced</source>
        <translation>已同步</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="348"/>
        <source>Offline · changes are kept and sent when the server is back</source>
        <translation>离线 · 更改已保留，服务器恢复后将自动发送</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="352"/>
        <source>Sync problem: %1</source>
        <translation>同步出现问题：%1</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="360"/>
        <source>Sending changes</source>
        <translation>正在发送更改</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="362"/>
        <source>Fetching %1</source>
        <translation>正在获取%1</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="364"/>
        <source>Fetching stock</source>
        <translation>正在获取库存</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="366"/>
        <source>Checking deletions</source>
        <translation>正在检查删除</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="375"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="375"/>
        <source>Sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="375"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="376"/>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="376"/>
        <source>Change</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="376"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="396"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="397"/>
        <source>Send this change again at the next sync</source>
        <translation>在下次同步时重新发送此更改</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="405"/>
        <source>Nothing waiting: every change was sent.</source>
        <translation>没有待发送的更改：所有更改均已发送。</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="407"/>
        <source>%1 waiting to be sent</source>
        <translation>%1 条更改待发送</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="409"/>
        <source> · %1 failed (kept: retry or fix the record)</source>
        <translation> · %1 条失败（已保留：请重试或修正记录）</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="429"/>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="442"/>
        <source>%1 conflict(s) wait for your decision</source>
        <translation>%1 个冲突等待您处理</translation>
    </message>
    <message>
        <location filename="../sync_view.py" line="443"/>
        <source>No conflicts to review.</source>
        <translation>没有需要处理的冲突。</translation>
    </message>
</context>
<context>
    <name>ops</name>
    <message>
        <location filename="../ops.py" line="146"/>
        <source>Something went wrong: %1</source>
        <translation>出现错误：%1</translation>
    </message>
    <message>
        <location filename="../ops.py" line="149"/>
        <source>RepDesk</source>
        <translation>RepDesk</translation>
    </message>
</context>
<context>
    <name>widget</name>
    <message>
        <location filename="../settings_view.py" line="60"/>
        <source>Something went wrong: %1</source>
        <translation>出现错误：%1</translation>
    </message>
</context>
</TS>
