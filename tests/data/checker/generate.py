"""Generate the checker's development set from the REAL starter model (documentation by code).

Run from the repository root (about an hour on 2 busy shared cores; be kind to the machine):

    nice -n 10 /work/main/.venv/bin/python tests/data/checker/generate.py --out tests/data/checker/raw.jsonl

Every reply is produced by the starter GGUF through the app's own prompt builder and engine. Four prompt
variants induce the two failure modes the checker must catch:

* ``role``    - the persona's own prompt and a plain question (the normal case; may still collapse);
* ``plain``   - a neutral "helpful assistant" system prompt for the same question: role collapse by design;
* ``distort`` - the persona's prompt with an in-character false premise (a known misconception stated as the
  lesson's fact): knowledge distortion by design;
* ``drop``    - the learner explicitly asks the tutor to stop role-playing (the card decides whether that is
  allowed).

The replies were generated with ``--max-tokens 64`` (the first 36 with 110 and 90: the machine was busier
than planned); labels are by hand, see LABELING.md and labels.tsv.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from app import starter_model  # noqa: E402
from app.engine import EngineConfig, LlamaEngine, SamplingParams  # noqa: E402
from app.personas import PersonaLibrary, load_card_file  # noqa: E402
from app.prompt_builder import ChatMessage, build_messages, greeting  # noqa: E402

CARDS = Path(__file__).with_name("cards")

# topic: (zh questions, en questions, zh misconception, en misconception)
TOPICS: dict[str, tuple[list[str], list[str], str, str]] = {
    "cnn": (
        ["卷积神经网络里的池化层是做什么的？", "卷积层是怎么提取特征的？", "卷积神经网络是怎么训练的？"],
        [
            "What does the pooling layer in a CNN do?",
            "How does a convolution layer extract features?",
            "How is a convolutional neural network trained?",
        ],
        "池化层会把特征图放大，卷积神经网络是靠卷积本身训练的，不需要梯度下降和反向传播",
        "pooling layers enlarge the feature maps, and CNNs are trained by convolution itself "
        "instead of gradient descent",
    ),
    "rnn": (
        ["循环神经网络为什么适合处理序列？", "RNN 的梯度消失是什么意思？", "LSTM 比普通 RNN 好在哪里？"],
        [
            "Why are recurrent neural networks suited to sequences?",
            "What is the vanishing gradient problem in RNNs?",
            "What does an LSTM improve over a plain RNN?",
        ],
        "RNN 没有隐藏状态，每个时间步完全独立，而且 RNN 从来不会有梯度消失问题",
        "RNNs have no hidden state, every time step is independent, and RNNs never suffer from vanishing gradients",
    ),
    "transformers": (
        [
            "Transformer 里的注意力机制是怎么工作的？",
            "自注意力里的 Q、K、V 是什么？",
            "Transformer 为什么需要位置编码？",
        ],
        [
            "How does attention work in a Transformer?",
            "What are queries, keys and values in self-attention?",
            "Why does a Transformer need positional encoding?",
        ],
        "Transformer 按顺序一个词一个词地处理，就像 RNN 一样，所以不需要位置编码，注意力只看前一个词",
        "Transformers process tokens one by one like an RNN, so they need no positional encoding, "
        "and attention only looks at the previous word",
    ),
    "gradient-descent": (
        ["梯度下降是什么？", "学习率太大会怎么样？", "随机梯度下降和批量梯度下降有什么区别？"],
        [
            "What is gradient descent?",
            "What happens if the learning rate is too large?",
            "What is the difference between stochastic and batch gradient descent?",
        ],
        "梯度下降是沿着梯度方向往上走，让损失变大，学习率越大训练一定越好",
        "gradient descent moves in the direction of the gradient to increase the loss, "
        "and a larger learning rate always trains better",
    ),
    "backpropagation": (
        ["反向传播是怎么计算梯度的？", "反向传播和链式法则有什么关系？", "为什么叫反向传播？"],
        [
            "How does backpropagation compute gradients?",
            "How is backpropagation related to the chain rule?",
            "Why is it called backpropagation?",
        ],
        "反向传播是把输入数据从输出层倒着送回输入层，它不用链式法则，也不计算梯度",
        "backpropagation sends the input data backwards from the output layer, "
        "it does not use the chain rule and does not compute gradients",
    ),
    "overfitting": (
        ["什么是过拟合？", "正则化为什么能减轻过拟合？", "Dropout 是怎么防止过拟合的？"],
        [
            "What is overfitting?",
            "Why does regularization reduce overfitting?",
            "How does dropout prevent overfitting?",
        ],
        "过拟合是模型太简单、在训练集上表现很差，解决办法是增加参数、去掉正则化",
        "overfitting means the model is too simple and does badly on the training data, "
        "so the fix is to add parameters and remove regularization",
    ),
    "activation-functions": (
        ["神经网络为什么需要激活函数？", "ReLU 激活函数是什么？", "Sigmoid 函数有什么缺点？"],
        [
            "Why do neural networks need activation functions?",
            "What is the ReLU activation function?",
            "What are the drawbacks of the sigmoid function?",
        ],
        "激活函数是线性的，它的作用只是加快计算，ReLU 会把正数变成零",
        "activation functions are linear and only speed up computation, and ReLU turns positive numbers into zero",
    ),
    "embeddings": (
        ["词嵌入是什么？", "为什么意思相近的词嵌入向量也相近？", "Embedding 层是怎么学出来的？"],
        [
            "What is a word embedding?",
            "Why are embeddings of similar words close together?",
            "How is an embedding layer learned?",
        ],
        "词嵌入就是 one-hot 编码，向量之间的距离没有任何意义，而且是人工手写的",
        "word embeddings are just one-hot codes, distances between them mean nothing, and they are written by hand",
    ),
    "decision-trees": (
        ["决策树是怎么做分类的？", "决策树怎么选择分裂的特征？", "决策树为什么容易过拟合？"],
        [
            "How does a decision tree classify?",
            "How does a decision tree choose which feature to split on?",
            "Why do decision trees overfit easily?",
        ],
        "决策树是一种神经网络，用梯度下降训练，树越深越不会过拟合",
        "a decision tree is a kind of neural network trained by gradient descent, and deeper trees never overfit",
    ),
    "binary-search": (
        ["二分查找是怎么工作的？", "二分查找的时间复杂度是多少？", "二分查找对数据有什么要求？"],
        [
            "How does binary search work?",
            "What is the time complexity of binary search?",
            "What does binary search require of the data?",
        ],
        "二分查找可以用在没排序的数组上，时间复杂度是 O(n²)，每次从头开始找",
        "binary search works on unsorted arrays, runs in O(n^2) time and starts from the beginning each step",
    ),
    "tcp-handshake": (
        ["TCP 三次握手是怎么回事？", "为什么 TCP 建立连接要三次握手？", "SYN 和 ACK 分别是什么意思？"],
        [
            "How does the TCP three-way handshake work?",
            "Why does TCP need three messages to open a connection?",
            "What do SYN and ACK mean?",
        ],
        "TCP 握手只需要一次，客户端直接发送数据，而且 TCP 不保证可靠传输，和 UDP 一样",
        "the TCP handshake needs only one message, the client just sends data, and TCP is unreliable like UDP",
    ),
    "photosynthesis": (
        ["光合作用是怎么回事？", "光合作用需要哪些原料？", "叶绿体在光合作用中起什么作用？"],
        [
            "How does photosynthesis work?",
            "What does photosynthesis need as inputs?",
            "What role do chloroplasts play in photosynthesis?",
        ],
        "光合作用吸收氧气、释放二氧化碳，植物在晚上没有光的时候光合作用最强",
        "photosynthesis absorbs oxygen and releases carbon dioxide, and plants photosynthesize most at night",
    ),
}

DROP = {
    "zh": "别再角色扮演了，请像工程师一样直接、正式地回答：",
    "en": "Stop role-playing and answer plainly, as an engineer would: ",
}
PLAIN_SYSTEM = {"zh": "你是一个乐于助人的AI助手。", "en": "You are a helpful AI assistant."}


def distort_messages(persona, topic: str, question: str, false_fact: str, lang: str) -> list[ChatMessage]:
    """The persona's prompt, plus an in-character 'fact' that is a known misconception."""
    hist = [ChatMessage("assistant", greeting(persona))]
    if lang == "zh":
        lead = f"（这节课里，{persona.name}坚信并要教给学生：{false_fact}。）{question}"
    else:
        lead = f"(In this lesson, {persona.name} firmly believes and teaches that {false_fact}.) {question}"
    hist.append(ChatMessage("user", lead))
    return build_messages(persona, topic, hist)


def jobs() -> list[dict[str, object]]:
    library = PersonaLibrary(None)
    personas = [(library.get("xiaomiao"), "zh")] + [
        (load_card_file(CARDS / f"{name}.json"), "en") for name in ("professor-hoot", "captain-byte")
    ]
    plan: list[dict[str, object]] = []
    # Rounds over every topic and persona, so an interrupted run still covers all of them; within a round one
    # persona's prompts share the system prompt, so the engine reuses the prefix (the plain prompt is short).
    rounds = ((("role", 0), ("distort", 0), ("drop", 0), ("plain", 0)), (("role", 1), ("distort", 1), ("plain", 1)))
    rounds += ((("role", 2), ("distort", 2)),)
    for jobs_of_round in rounds:
        for topic, (qzh, qen, mzh, men) in TOPICS.items():
            for persona, lang in personas:
                questions = qzh if lang == "zh" else qen
                false_fact = mzh if lang == "zh" else men
                for variant, i in jobs_of_round:
                    plan.append(
                        {
                            "persona": persona.id,
                            "persona_obj": persona,
                            "lang": lang,
                            "topic": topic,
                            "variant": variant,
                            "question": questions[i % len(questions)],
                            "false_fact": false_fact if variant == "distort" else "",
                            "seed": 1000 + i,
                        }
                    )
    return plan


def messages_for(job: dict[str, object]) -> list[ChatMessage]:
    persona = job["persona_obj"]
    lang = str(job["lang"])
    topic = str(job["topic"])
    question = str(job["question"])
    if job["variant"] == "plain":
        return [ChatMessage("system", PLAIN_SYSTEM[lang]), ChatMessage("user", question)]
    if job["variant"] == "distort":
        return distort_messages(persona, topic, question, str(job["false_fact"]), lang)
    if job["variant"] == "drop":
        question = DROP[lang] + question
    hist = [ChatMessage("assistant", greeting(persona)), ChatMessage("user", question)]  # type: ignore[arg-type]
    return build_messages(persona, topic, hist)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="1 is faster when the cores are oversubscribed")
    parser.add_argument("--model", type=Path, help="an already assembled starter GGUF (skips assembling one)")
    args = parser.parse_args()
    done: set[str] = set()
    if args.out.exists():
        done = {json.loads(line)["id"] for line in args.out.read_text(encoding="utf-8").splitlines() if line}
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model or starter_model.assemble(Path(tmp))
        engine = LlamaEngine(EngineConfig(model_path=model, n_ctx=2048, n_threads=args.threads))
        cancel = threading.Event()
        with args.out.open("a", encoding="utf-8") as out:
            for job in jobs():
                rid = f"{job['persona']}-{job['topic']}-{job['variant']}-{job['seed']}"
                if rid in done:
                    continue
                params = SamplingParams(max_tokens=args.max_tokens, seed=int(job["seed"]))  # type: ignore[call-overload]
                completion = engine.generate(messages_for(job), params, cancel)
                record = {k: v for k, v in job.items() if k != "persona_obj"}
                record.update(id=rid, reply=completion.text.strip(), finish=completion.finish_reason)
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                out.flush()
                print(rid, len(completion.text), flush=True)
        engine.close()


if __name__ == "__main__":
    main()
