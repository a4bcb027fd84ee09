"""The Accuracy badge: stated misconceptions, negation, core coverage, wrong topic, topic switches, notes."""

from __future__ import annotations

from app.checker import check
from app.personas import Persona


def test_stated_misconceptions_are_off_with_the_correction(xiaomiao: Persona, hoot: Persona) -> None:
    zh = check(xiaomiao, "喵~ 池化层会把特征图放大，这样细节更多喵！", topic="cnn").accuracy
    assert zh.label == "off"
    assert any("池化会缩小特征图" in r for r in zh.reasons)
    en = check(hoot, "Hoo-hoo! CNNs are trained by convolution itself, without gradient descent.", topic="cnn")
    assert en.accuracy.label == "off"
    assert any("backpropagation and gradient descent" in r for r in en.accuracy.reasons)


def test_negated_misconceptions_are_correct_statements(xiaomiao: Persona, hoot: Persona) -> None:
    zh = check(xiaomiao, "喵~ 注意哦，池化是把特征图变小，不是变大喵！最大池化保留最大值。", topic="cnn").accuracy
    assert zh.label == "ok"
    en = check(hoot, "Hoo-hoo! Pooling does not enlarge the feature map; it shrinks it.", topic="cnn").accuracy
    assert en.label == "ok"
    myth = check(hoot, "A common misconception is that pooling enlarges feature maps. Hoo!", topic="cnn").accuracy
    assert myth.label == "ok"


def test_misconceptions_across_topics(hoot: Persona, xiaomiao: Persona) -> None:
    cases = [
        (hoot, "photosynthesis", "Photosynthesis absorbs oxygen and releases carbon dioxide at night."),
        (hoot, "binary-search", "Binary search works fine on unsorted arrays, you just look in the middle."),
        (hoot, "gradient-descent", "Gradient descent moves parameters so as to increase the loss."),
        (xiaomiao, "tcp-handshake", "喵~ TCP 握手只需要一次，客户端直接发数据喵。"),
        (xiaomiao, "activation-functions", "喵~ ReLU 会把正数变成零，负数保持不变喵。"),
        (xiaomiao, "overfitting", "喵~ 过拟合就是模型太简单了喵。"),
    ]
    for persona, topic, reply in cases:
        assert check(persona, reply, topic=topic).accuracy.label == "off", (topic, reply)


def test_missing_core_concepts(hoot: Persona) -> None:
    vague = "Hoo-hoo! It is a wonderful idea that makes things work nicely and quickly in many places, owlet."
    badge = check(hoot, vague, question="What does the pooling layer in a CNN do?").accuracy
    assert any("misses the core of the answer" in r and "shrinks" in r for r in badge.reasons)
    topic_only = check(hoot, vague, topic="cnn").accuracy  # no question: the topic's core words decide
    assert any("core ideas" in r for r in topic_only.reasons)
    good = "Hoo! Pooling keeps the largest value of each window, so the feature map shrinks, owlet."
    assert check(hoot, good, question="What does the pooling layer in a CNN do?").accuracy.score > badge.score


def test_wrong_topic_explained(xiaomiao: Persona) -> None:
    reply = "喵~ 梯度下降就是沿着损失的负梯度方向走一小步，学习率决定步长，损失越来越小喵！"
    badge = check(xiaomiao, reply, question="卷积层是怎么提取特征的？", topic="cnn").accuracy
    assert any("explains 梯度下降 where the question asked about 卷积神经网络" in r for r in badge.reasons)
    assert badge.label != "ok"


def test_packs_follow_the_question_when_the_topic_switches(hoot: Persona) -> None:
    reply = "Hoo! Transformers process tokens one by one like an RNN, so they need no positional encoding."
    verdict = check(hoot, reply, topic="cnn", question="Now compare RNNs and Transformers, same style.")
    assert verdict.accuracy.label == "off"
    assert "transformers" in verdict.topics


def test_question_from_history_when_not_given(hoot: Persona) -> None:
    history = [("user", "How does binary search work?")]
    verdict = check(hoot, "Hoo! Binary search runs in O(n^2) time.", history=history)
    assert verdict.accuracy.label == "off"


def test_notes_flag_unsupported_numbers(xiaomiao: Persona) -> None:
    notes = "新华社北京电 2023年全国粮食总产量达到6.9亿吨，比上年增长1.3%。"
    supported = check(xiaomiao, "喵~ 2023年全国粮食总产量达到6.9亿吨，增长1.3%喵。", notes=notes).accuracy
    invented = check(xiaomiao, "喵~ 2023年全国粮食总产量达到8.2亿吨，增长7.5%喵。", notes=notes).accuracy
    assert invented.score < supported.score
    assert any("8.2" in r for r in invented.reasons)
    assert any("says 达到8.2亿吨 where the notes say 达到6.9亿吨" in r for r in invented.reasons)
    new_fact = check(xiaomiao, "喵~ 2023年全国粮食总产量达到6.9亿吨，其中小麦有3个主产区喵。", notes=notes).accuracy
    assert not any("contradicts the notes" in r for r in new_fact.reasons)  # a new number is not a contradiction


def test_verdict_json_shape(xiaomiao: Persona) -> None:
    data = check(xiaomiao, "喵~ 池化让特征图变小喵。", topic="cnn").to_json(with_signals=True)
    assert set(data) == {"consistency", "accuracy", "elapsed_ms"}
    for badge in ("consistency", "accuracy"):
        assert set(data[badge]) == {"score", "label", "reasons", "signals"}
        assert 0.0 <= data[badge]["score"] <= 1.0
        assert data[badge]["label"] in ("ok", "doubtful", "off")


def test_non_answers_and_empty_claims(hoot: Persona, xiaomiao: Persona) -> None:
    echo = check(hoot, "Can you explain how attention works in a Transformer?", question="How does attention work?")
    assert "does not answer the question" in echo.accuracy.reasons
    nothing = check(hoot, "Hoo! The pooling layer in a CNN does nothing, owlet.", topic="cnn").accuracy
    assert nothing.label == "off" and any("does nothing" in r for r in nothing.reasons)
    vague = check(
        xiaomiao,
        "喵~ 卷积神经网络是通过解决图像分类问题来变聪明的喵，很厉害吧！",
        question="卷积神经网络是怎么训练的？",
    )
    assert any("loss or gradients" in r for r in vague.accuracy.reasons)
    good = check(
        xiaomiao, "喵~ 先算损失，再用反向传播求梯度，最后梯度下降更新卷积核喵！", question="卷积神经网络是怎么训练的？"
    )
    assert good.accuracy.label == "ok"


def test_reciting_the_cards_example_answer_to_another_question(captain: Persona) -> None:
    recited = (
        "Arr, matey! Picture a sorted row of treasure chests. Ye open the middle one: if the number ye seek is "
        "smaller, ye toss away the right half, else the left."
    )
    elsewhere = check(captain, recited, question="What happens if the learning rate is too large?").accuracy
    assert any("example answer" in r for r in elsewhere.reasons)
    asked = check(captain, recited, question="What is binary search?").accuracy
    assert not any("example answer" in r for r in asked.reasons)


def test_latin_terms_match_whole_words_only(hoot: Persona) -> None:
    reply = "Hoo-hoo! Photosynthesis turns light, water and carbon dioxide into glucose and oxygen in chloroplasts."
    verdict = check(hoot, reply, question="How does photosynthesis work?", topic="photosynthesis")
    assert verdict.accuracy.label == "ok", verdict.accuracy.reasons  # "syn" (TCP) is not in "photosynthesis"
    assert verdict.topics == ("photosynthesis",)
    wrong = check(hoot, "Hoo! SYN stands for Systematically No acknowledgment.", question="What do SYN and ACK mean?")
    assert wrong.accuracy.label == "off"
    relu = check(hoot, "Hoo! ReLU is a linear function, owlet.", question="What is the ReLU activation function?")
    assert relu.accuracy.label == "off"
    relu_ok = check(hoot, "Hoo! ReLU, the rectified linear unit, is non-linear: max(0, x).", question="What is ReLU?")
    assert relu_ok.accuracy.label == "ok"


def test_night_photosynthesis_is_caught_when_the_sentence_says_there_is_no_light(xiaomiao: Persona) -> None:
    # "没有" sits between "晚上" and "最强", which reads as a negation to the sentence pattern; the phrase catches it
    wrong = check(xiaomiao, "喵~ 植物在晚上没有光的时候光合作用最强喵！", topic="photosynthesis").accuracy
    assert wrong.label == "off"
    right = check(xiaomiao, "喵~ 没有光的时候，光合作用无法进行，中午光合作用最强喵！", topic="photosynthesis").accuracy
    assert not any(s.name.startswith("misconception") for s in right.signals)
