<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutBox</name>
    <message>
        <source>&lt;h2&gt;AttnScope %1&lt;/h2&gt;&lt;p&gt;See attention at work: the scores Q·Kᵀ, their scaling and masking, the softmax weights and the weighted sum A·V, step by step, for text and image regions.&lt;/p&gt;&lt;p&gt;Built with Qt %2, Eigen %3.%4.%5 and QCustomPlot 2.1.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;AttnScope %1&lt;/h2&gt;&lt;p&gt;看清注意力如何工作：分数 Q·Kᵀ、缩放与掩码、softmax 权重和加权和 A·V，一步一步，适用于文本和图像区域。&lt;/p&gt;&lt;p&gt;基于 Qt %2、Eigen %3.%4.%5 和 QCustomPlot 2.1 构建。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About AttnScope</source>
        <translation>关于 AttnScope</translation>
    </message>
</context>
<context>
    <name>ModelView</name>
    <message>
        <source>mean entropy (bits)</source>
        <translation>平均熵（比特）</translation>
    </message>
    <message>
        <source>attention to special tokens</source>
        <translation>对特殊词元的注意力</translation>
    </message>
    <message>
        <source>attention to the previous token</source>
        <translation>对前一个词元的注意力</translation>
    </message>
    <message>
        <source>attention to the next token</source>
        <translation>对后一个词元的注意力</translation>
    </message>
    <message>
        <source>attention to itself</source>
        <translation>对自身的注意力</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 &quot;%2&quot; cannot be used here; kept %3</source>
        <translation>%1 &quot;%2&quot; cannot be used here; kept %3</translation>
    </message>
    <message>
        <source>%1%2 is not a string; ignored</source>
        <translation>%1%2 is not a string; ignored</translation>
    </message>
    <message>
        <source>the picture size %1 × %2 is not within 1..%3</source>
        <translation>the picture size %1 × %2 is not within 1..%3</translation>
    </message>
    <message>
        <source>%1 × %2 at scale %3 is not within 1..%4 pixels a side</source>
        <translation>%1 × %2 at scale %3 is not within 1..%4 pixels a side</translation>
    </message>
    <message>
        <source>cannot write into %1: the folder does not exist</source>
        <translation>cannot write into %1: the folder does not exist</translation>
    </message>
    <message>
        <source>cannot write %1: the extension is not .png, .svg or .pdf</source>
        <translation>cannot write %1: the extension is not .png, .svg or .pdf</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>cannot write %1: %2</translation>
    </message>
    <message>
        <source>cannot write %1: could not draw a %2 × %3 picture</source>
        <translation>cannot write %1: could not draw a %2 × %3 picture</translation>
    </message>
    <message>
        <source>cannot write %1: the extension is not .csv or .npy</source>
        <translation>cannot write %1: the extension is not .csv or .npy</translation>
    </message>
    <message>
        <source>cannot write %1: there is no picture on this tab yet</source>
        <translation>cannot write %1: there is no picture on this tab yet</translation>
    </message>
    <message>
        <source>cannot write %1: could not draw the picture</source>
        <translation>cannot write %1: could not draw the picture</translation>
    </message>
    <message>
        <source>cannot write %1: the picture could not be drawn</source>
        <translation>cannot write %1: the picture could not be drawn</translation>
    </message>
    <message>
        <source>PNG size</source>
        <translation>PNG 尺寸</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>Pixels per unit: 2 draws the same layout with twice the pixels each way</source>
        <translation>每单位的像素数：2 表示以相同布局绘制，横纵方向像素各加倍</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>宽度：</translation>
    </message>
    <message>
        <source>Height:</source>
        <translation>高度：</translation>
    </message>
    <message>
        <source>Scale factor:</source>
        <translation>缩放倍数：</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;SVG 矢量图 (*.svg);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>%1 &quot;%2&quot; is not known; using %3</source>
        <translation>%1 &quot;%2&quot; is not known; using %3</translation>
    </message>
    <message>
        <source>%1 %2 is not known; using %3</source>
        <translation>%1 %2 is not known; using %3</translation>
    </message>
    <message>
        <source>parameter change</source>
        <translation>参数更改</translation>
    </message>
    <message>
        <source>is not a string</source>
        <translation>is not a string</translation>
    </message>
    <message>
        <source>is not true or false</source>
        <translation>is not true or false</translation>
    </message>
    <message>
        <source>%1 is not an integer within %2..%3</source>
        <translation>%1 is not an integer within %2..%3</translation>
    </message>
    <message>
        <source>%1 is not a finite%2 number</source>
        <translation>%1 is not a finite%2 number</translation>
    </message>
    <message>
        <source> positive</source>
        <translation> positive</translation>
    </message>
    <message>
        <source>%1 is not an integer within 0..2⁶⁴ − 1</source>
        <translation>%1 is not an integer within 0..2⁶⁴ − 1</translation>
    </message>
    <message>
        <source>%1 is not one of %2</source>
        <translation>%1 is not one of %2</translation>
    </message>
    <message>
        <source>%1 is not a list of indices ≥ 0</source>
        <translation>%1 is not a list of indices ≥ 0</translation>
    </message>
    <message>
        <source>Q</source>
        <translation>Q</translation>
    </message>
    <message>
        <source>K</source>
        <translation>K</translation>
    </message>
    <message>
        <source>V</source>
        <translation>V</translation>
    </message>
    <message>
        <source>Scores Q·Kᵀ</source>
        <translation>分数 Q·Kᵀ</translation>
    </message>
    <message>
        <source>Scaled scores</source>
        <translation>缩放后的分数</translation>
    </message>
    <message>
        <source>Masked scores (grey = −∞)</source>
        <translation>掩码后的分数（灰色 = −∞）</translation>
    </message>
    <message>
        <source>Attention weights A</source>
        <translation>注意力权重 A</translation>
    </message>
    <message>
        <source>Output A·V</source>
        <translation>输出 A·V</translation>
    </message>
    <message>
        <source>query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>dimension</source>
        <translation>维度</translation>
    </message>
    <message>
        <source>Q (given), %1</source>
        <translation>Q（直接给定），%1</translation>
    </message>
    <message>
        <source>head %1</source>
        <translation>头 %1</translation>
    </message>
    <message>
        <source>X: query tokens</source>
        <translation>X：查询词元</translation>
    </message>
    <message>
        <source>token</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>C: context tokens</source>
        <translation>C：上下文词元</translation>
    </message>
    <message>
        <source>X: token embeddings</source>
        <translation>X：词元嵌入</translation>
    </message>
    <message>
        <source>X: layer %1&apos;s input after its norm</source>
        <translation>X：第 %1 层经过归一化后的输入</translation>
    </message>
    <message>
        <source>%1, key/value head %2</source>
        <translation>%1，键/值头 %2</translation>
    </message>
    <message>
        <source>%1, head %2</source>
        <translation>%1，头 %2</translation>
    </message>
    <message>
        <source>1/√d_k = 1/√%1 = %2</source>
        <translation>1/√d_k = 1/√%1 = %2</translation>
    </message>
    <message>
        <source>1/d_k = 1/%1 = %2 (the tutorial&apos;s choice: it shrinks the scores as d_k grows and flattens the weights)</source>
        <translation>1/d_k = 1/%1 = %2（教程的做法：d_k 越大，分数被压得越小，权重越平坦）</translation>
    </message>
    <message>
        <source>1 (no scaling: the scores&apos; spread grows with √d_k and the softmax saturates)</source>
        <translation>1（不缩放：分数的离散程度随 √d_k 增大，softmax 趋于饱和）</translation>
    </message>
    <message>
        <source>%1 (custom)</source>
        <translation>%1（自定义）</translation>
    </message>
    <message>
        <source>, then ÷ τ = %1</source>
        <translation>，再 ÷ τ = %1</translation>
    </message>
    <message>
        <source>Inputs — layer %1 of %2: each token&apos;s hidden state after the layer&apos;s norm (d_model = %3), what Q, K and V are projected from.</source>
        <translation>输入 —— %2 的第 %1 层：每个词元经过该层归一化后的隐藏状态（d_model = %3），Q、K、V 由它投影得到。</translation>
    </message>
    <message>
        <source>Inputs: Q, K and V were given directly (%1 queries, %2 keys, d_k = %3).</source>
        <translation>输入：Q、K、V 直接给定（%1 个查询，%2 个键，d_k = %3）。</translation>
    </message>
    <message>
        <source>Inputs — each token becomes a vector x: hashed character n-grams (what it is) plus a sinusoidal position code (where it is).</source>
        <translation>输入 —— 每个词元变成一个向量 x：字符 n-gram 的哈希（它是什么）加上正弦位置编码（它在哪里）。</translation>
    </message>
    <message>
        <source>Q = X·Wq, K = X·Wk, V = X·Wv of %1&apos;s layer %2 — Q and K as the scores use them: after the bias, q_norm/k_norm and the rotation (d_k = %3 per head; %4 query heads read %5 key/value heads).</source>
        <translation>Q = X·Wq，K = X·Wk，V = X·Wv，取自 %1 的第 %2 层 —— Q 和 K 与计算分数时所用的一致：已加偏置、经过 q_norm/k_norm 和旋转（每个头 d_k = %3；%4 个查询头读取 %5 个键/值头）。</translation>
    </message>
    <message>
        <source>Q = X·Wq, K = C·Wk, V = C·Wv — each token asks with its query, offers its key and carries its value (d_k = %1 per head).</source>
        <translation>Q = X·Wq，K = C·Wk，V = C·Wv —— 每个词元用查询发问，用键作答，并携带自己的值（每个头 d_k = %1）。</translation>
    </message>
    <message>
        <source>S = Q·Kᵀ — each score is the dot product of a query row and a key row: how well they match.</source>
        <translation>S = Q·Kᵀ —— 每个分数是一行查询与一行键的点积：衡量两者有多匹配。</translation>
    </message>
    <message>
        <source>S × %1%2 — scaling keeps the softmax from saturating.</source>
        <translation>S × %1%2 —— 缩放让 softmax 不至于饱和。</translation>
    </message>
    <message>
        <source>causal: query i sees keys 0..i</source>
        <translation>因果：查询 i 只看到键 0..i</translation>
    </message>
    <message>
        <source>padding: checked keys are never attended</source>
        <translation>填充：勾选的键永远不被关注</translation>
    </message>
    <message>
        <source>boolean mask</source>
        <translation>布尔掩码</translation>
    </message>
    <message>
        <source>sliding window</source>
        <translation>滑动窗口</translation>
    </message>
    <message>
        <source>additive mask</source>
        <translation>加性掩码</translation>
    </message>
    <message>
        <source>Masked — no mask is set, so the scores pass unchanged.</source>
        <translation>掩码 —— 没有设置掩码，分数原样通过。</translation>
    </message>
    <message>
        <source>Masked — blocked scores become −∞ (grey), so they get zero weight (%1).</source>
        <translation>掩码 —— 被屏蔽的分数变为 −∞（灰色），因此权重为零（%1）。</translation>
    </message>
    <message>
        <source>A = softmax of each row — a_j = exp(s_j − max) / Σ exp(s − max); every row sums to 1.</source>
        <translation>A = 对每一行做 softmax —— a_j = exp(s_j − max) / Σ exp(s − max)；每一行之和为 1。</translation>
    </message>
    <message>
        <source>O = A·V — each query&apos;s output is the mix of the value rows, weighted by its attention.</source>
        <translation>O = A·V —— 每个查询的输出是各行值向量的混合，按它的注意力加权。</translation>
    </message>
    <message>
        <source>%1 %2 “%3”, %4 %5 “%6”: %7</source>
        <translation>%1 %2 “%3”，%4 %5 “%6”：%7</translation>
    </message>
    <message>
        <source>   row sum %1, entropy %2 bits, top: %3</source>
        <translation>   行和 %1，熵 %2 比特，最大的：%3</translation>
    </message>
    <message>
        <source>cannot create a temporary folder for the session&apos;s inputs</source>
        <translation>无法为会话的输入创建临时文件夹</translation>
    </message>
    <message>
        <source>masked (−∞)</source>
        <translation>已屏蔽（−∞）</translation>
    </message>
    <message>
        <source>NaN</source>
        <translation>NaN</translation>
    </message>
    <message>
        <source>+∞</source>
        <translation>+∞</translation>
    </message>
    <message>
        <source>−∞ (not masked)</source>
        <translation>−∞（未屏蔽）</translation>
    </message>
    <message>
        <source> + … (%1 more terms)</source>
        <translation> + …（还有 %1 项）</translation>
    </message>
    <message>
        <source>o&lt;sub&gt;%1&lt;/sub&gt; (“%2”) = %3 — &lt;b&gt;%4 of %5 terms&lt;/b&gt;</source>
        <translation>o&lt;sub&gt;%1&lt;/sub&gt;（“%2”）= %3 —— &lt;b&gt;已加 %4 项，共 %5 项&lt;/b&gt;</translation>
    </message>
    <message>
        <source>; the last added: a&lt;sub&gt;%1,%2&lt;/sub&gt; = %3 × v&lt;sub&gt;%2&lt;/sub&gt; (“%4”)</source>
        <translation>；最后加上的一项：a&lt;sub&gt;%1,%2&lt;/sub&gt; = %3 × v&lt;sub&gt;%2&lt;/sub&gt;（“%4”）</translation>
    </message>
    <message>
        <source>feature</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>Inputs — each word is a row of features set by hand (the Story features dock): what it is, and where it stands in the sentence. A trained model learns such vectors instead.</source>
        <translation>输入——每个词是一行手工设定的特征（见“故事特征”面板）：它是什么，以及它在句子中的位置。训练好的模型则是学出这样的向量。</translation>
    </message>
    <message>
        <source>not enough memory for this computation</source>
        <translation>内存不足，无法完成这次计算</translation>
    </message>
</context>
<context>
    <name>attnscope::AttentionPage</name>
    <message>
        <source>What the heatmap shows, in the order it was computed</source>
        <translation>热力图显示的内容，按计算的先后顺序</translation>
    </message>
    <message>
        <source>Rows are queries, columns keys. Hover for the value, wheel to zoom, drag to pan, double-click to fit</source>
        <translation>行是查询，列是键。悬停查看数值，滚轮缩放，拖动平移，双击适应窗口</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Open bundle or tensor…</source>
        <translation>打开注意力包或张量…</translation>
    </message>
    <message>
        <source>An attention bundle (.npz, .safetensors: attentions [L, H, Tq, Tk] with tokens) or any tensor file holding [L, H, Tq, Tk], [H, Tq, Tk] or [Tq, Tk]</source>
        <translation>注意力包（.npz、.safetensors：attentions [L, H, Tq, Tk] 及词元）或任何形状为 [L, H, Tq, Tk]、[H, Tq, Tk] 或 [Tq, Tk] 的张量文件</translation>
    </message>
    <message>
        <source>Open attention</source>
        <translation>打开注意力</translation>
    </message>
    <message>
        <source>Attention (*.npz *.npy *.safetensors);;All files (*)</source>
        <translation>注意力 (*.npz *.npy *.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <source>nothing open</source>
        <translation>未打开文件</translation>
    </message>
    <message>
        <source>The file shown</source>
        <translation>显示的文件</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Layers × heads, queries × keys; layers and heads count from 0, as in the file</source>
        <translation>层数 × 头数，查询数 × 键数；层和头从 0 开始计数，与文件中一致</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <source>one head</source>
        <translation>单个头</translation>
    </message>
    <message>
        <source>mean of the heads</source>
        <translation>各头的平均</translation>
    </message>
    <message>
        <source>max of the heads</source>
        <translation>各头的最大值</translation>
    </message>
    <message>
        <source>min of the heads</source>
        <translation>各头的最小值</translation>
    </message>
    <message>
        <source>rollout up to this layer</source>
        <translation>截至本层的注意力展开（rollout）</translation>
    </message>
    <message>
        <source>One head; the heads of the layer combined cell by cell (mean, max or min); or attention rollout: layers 0 to this one multiplied, with the identity added for the residual connections (Abnar &amp; Zuidema 2020)</source>
        <translation>单个头；或将本层各头逐格合并（平均、最大或最小）；或注意力展开（rollout）：把第 0 层到本层相乘，并为残差连接加上单位矩阵（Abnar &amp; Zuidema 2020）</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>The layer (0-based); for rollout, the last layer included</source>
        <translation>层（从 0 开始）；对展开（rollout）而言，是包含在内的最后一层</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>The head (0-based), when one head is shown</source>
        <translation>头（从 0 开始），显示单个头时使用</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>How rollout combines the heads of each layer before multiplying the layers</source>
        <translation>展开（rollout）在各层相乘之前如何合并每层的头</translation>
    </message>
    <message>
        <source>Rollout heads</source>
        <translation>展开时的头</translation>
    </message>
    <message>
        <source>Rollout only: the fraction of the smallest off-diagonal weights of each layer set to 0 before adding the identity (0 keeps everything)</source>
        <translation>仅用于展开（rollout）：在加上单位矩阵之前，把每层最小的非对角权重按此比例置 0（0 表示全部保留）</translation>
    </message>
    <message>
        <source>Discard ratio</source>
        <translation>丢弃比例</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>[CLS], [SEP], &lt;s&gt; …</source>
        <translation>[CLS], [SEP], &lt;s&gt; …</translation>
    </message>
    <message>
        <source>Special</source>
        <translation>特殊词元</translation>
    </message>
    <message>
        <source>Hide these keys</source>
        <translation>隐藏这些键</translation>
    </message>
    <message>
        <source>Remove the columns of the listed tokens (the queries stay)</source>
        <translation>删除所列词元对应的列（查询保留）</translation>
    </message>
    <message>
        <source>Renormalise the rest</source>
        <translation>对其余部分重新归一化</translation>
    </message>
    <message>
        <source>Divide each row by its sum after hiding, so that the remaining weights sum to 1</source>
        <translation>隐藏后把每一行除以它的和，使剩余权重之和为 1</translation>
    </message>
    <message>
        <source>Merge sub-words into words</source>
        <translation>把子词合并为词</translation>
    </message>
    <message>
        <source>WordPiece ##pieces, GPT-2 Ġ and SentencePiece ▁ word starts are recognised. Attention to a word is the sum over its pieces, attention from a word the mean over its pieces. Done after hiding, before normalising.</source>
        <translation>可识别 WordPiece 的 ##子词、GPT-2 的 Ġ 和 SentencePiece 的 ▁ 词首标记。对一个词的注意力是其各子词之和，来自一个词的注意力是其各子词的平均。在隐藏之后、归一化之前进行。</translation>
    </message>
    <message>
        <source>Colour scale</source>
        <translation>色标</translation>
    </message>
    <message>
        <source>weights as they are</source>
        <translation>权重原样</translation>
    </message>
    <message>
        <source>each row 0–1</source>
        <translation>每行 0–1</translation>
    </message>
    <message>
        <source>each column 0–1</source>
        <translation>每列 0–1</translation>
    </message>
    <message>
        <source>whole matrix 0–1</source>
        <translation>整个矩阵 0–1</translation>
    </message>
    <message>
        <source>log10</source>
        <translation>log10</translation>
    </message>
    <message>
        <source>Applied last: each row, column or the whole matrix mapped from its minimum to its maximum, or log10 of the weights (zeros are not drawn)</source>
        <translation>最后应用：把每行、每列或整个矩阵从最小值到最大值映射，或取权重的 log10（零不绘制）</translation>
    </message>
    <message>
        <source>Normalise</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Show A − B</source>
        <translation>显示 A − B</translation>
    </message>
    <message>
        <source>A is the view above; B the same view of another layer and head, or of a second input. Both go through the same steps; drawn with a diverging colour map centred on 0.</source>
        <translation>A 是上面的视图；B 是另一层和头的同一视图，或第二个输入的同一视图。两者经过相同的步骤，用以 0 为中心的发散色图绘制。</translation>
    </message>
    <message>
        <source>B&apos;s layer (0-based)</source>
        <translation>B 的层（从 0 开始）</translation>
    </message>
    <message>
        <source>B layer</source>
        <translation>B 的层</translation>
    </message>
    <message>
        <source>B&apos;s head (0-based), when one head is shown</source>
        <translation>B 的头（从 0 开始），显示单个头时使用</translation>
    </message>
    <message>
        <source>B head</source>
        <translation>B 的头</translation>
    </message>
    <message>
        <source>this input</source>
        <translation>本输入</translation>
    </message>
    <message>
        <source>second input</source>
        <translation>第二个输入</translation>
    </message>
    <message>
        <source>Where B comes from: this input, or a second input of the same shape</source>
        <translation>B 的来源：本输入，或形状相同的第二个输入</translation>
    </message>
    <message>
        <source>B from</source>
        <translation>B 来自</translation>
    </message>
    <message>
        <source>Open second input…</source>
        <translation>打开第二个输入…</translation>
    </message>
    <message>
        <source>A second bundle or tensor of the same shape, for example the same model on another sentence</source>
        <translation>形状相同的第二个注意力包或张量，例如同一模型在另一句话上的结果</translation>
    </message>
    <message>
        <source>Open second input</source>
        <translation>打开第二个输入</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>every head of this layer</source>
        <translation>本层的每个头</translation>
    </message>
    <message>
        <source>this head in every layer</source>
        <translation>每一层的这个头</translation>
    </message>
    <message>
        <source>The small multiples below the heatmap, each with the same hiding, merging and scale; click one to show it alone</source>
        <translation>热力图下方的小图，每个都采用相同的隐藏、合并和色标；点击其中一个单独显示</translation>
    </message>
    <message>
        <source>Thumbnails</source>
        <translation>缩略图</translation>
    </message>
    <message>
        <source>AttnScope</source>
        <translation>AttnScope</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>%1 layers × %2 heads
%3 queries × %4 keys%5</source>
        <translation>%1 层 × %2 个头
%3 个查询 × %4 个键%5</translation>
    </message>
    <message>
        <source>, no tokens</source>
        <translation>，无词元</translation>
    </message>
    <message>
        <source>second input: %1</source>
        <translation>第二个输入：%1</translation>
    </message>
    <message>
        <source>Open an attention bundle (.npz, .safetensors) or an [L, H, Tq, Tk] tensor.</source>
        <translation>打开一个注意力包（.npz、.safetensors）或形状为 [L, H, Tq, Tk] 的张量。</translation>
    </message>
    <message>
        <source>Cannot show this: %1</source>
        <translation>Cannot show this: %1</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 —— %2</translation>
    </message>
    <message>
        <source>A − B = %1</source>
        <translation>A − B = %1</translation>
    </message>
    <message>
        <source>query “%1” → key “%2”: %3   (row %4, column %5 as shown)</source>
        <translation>查询 “%1” → 键 “%2”：%3   （按显示的第 %4 行、第 %5 列）</translation>
    </message>
    <message>
        <source>Showing layer %1, head %2</source>
        <translation>正在显示第 %1 层，头 %2</translation>
    </message>
    <message>
        <source>Nothing is shown in the Imported attention tab: %1</source>
        <translation>Nothing is shown in the Imported attention tab: %1</translation>
    </message>
    <message>
        <source>open an attention bundle in the Imported attention tab first</source>
        <translation>open an attention bundle in the Imported attention tab first</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>导出已取消；没有写入任何文件。</translation>
    </message>
    <message>
        <source>%1 — layer %2, head %3</source>
        <translation>%1 —— 第 %2 层，头 %3</translation>
    </message>
    <message>
        <source>&amp;Head Grid Picture…</source>
        <translation>头网格图片(&amp;H)…</translation>
    </message>
    <message>
        <source>The small multiples of the Imported attention tab, as PNG, SVG or PDF</source>
        <translation>“导入的注意力”标签页中的小图，导出为 PNG、SVG 或 PDF</translation>
    </message>
    <message>
        <source>All &amp;Layers and Heads of the Bundle…</source>
        <translation>注意力包的所有层和头(&amp;L)…</translation>
    </message>
    <message>
        <source>Export the grid of heads</source>
        <translation>导出头网格</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Open an attention bundle in the Imported attention tab first.</source>
        <translation>请先在“导入的注意力”标签页中打开一个注意力包。</translation>
    </message>
    <message>
        <source>Folder for every layer and head (PNG and .npy)</source>
        <translation>存放每个层和头的文件夹（PNG 和 .npy）</translation>
    </message>
    <message>
        <source>Drawing every layer and head…</source>
        <translation>正在绘制每个层和头…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Exported %1 maps to %2</source>
        <translation>已导出 %1 张图到 %2</translation>
    </message>
    <message>
        <source>&amp;Imported attention: layers and heads</source>
        <translation>导入的注意力：层和头(&amp;I)</translation>
    </message>
    <message>
        <source>%1, run on the sentence typed in the Explorer</source>
        <translation>%1，作用于在“探索器”中输入的句子</translation>
    </message>
    <message>
        <source>layer %1 is not within 0..%2 of %3</source>
        <translation>layer %1 is not within 0..%2 of %3</translation>
    </message>
    <message>
        <source>head %1 is not within 0..%2 of %3</source>
        <translation>head %1 is not within 0..%2 of %3</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>max</source>
        <translation>最大</translation>
    </message>
    <message>
        <source>min</source>
        <translation>最小</translation>
    </message>
    <message>
        <source>query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Heatmap</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Tokens to hide, separated by commas: a token text (exact and case-sensitive, as stored: Ġ and ## included) hides every occurrence; digits or #N hide key N by its position (0-based), also for tensors without tokens or tokens with a comma; =TEXT names a token that looks like a number. Filled with the special tokens found in the input.</source>
        <translation>要隐藏的词元，用逗号分隔：词元文本（精确匹配，区分大小写，与存储的形式一致，包括 Ġ 和 ##）会隐藏它的每一次出现；数字或 #N 按位置隐藏第 N 个键（从 0 开始），也适用于没有词元或词元中含逗号的张量；=TEXT 表示一个看起来像数字的词元。默认填入输入中找到的特殊词元。</translation>
    </message>
    <message>
        <source>Hide their rows too</source>
        <translation>同时隐藏它们的行</translation>
    </message>
    <message>
        <source>Remove the listed tokens&apos; rows (queries) as well as their columns; needs as many queries as keys</source>
        <translation>除了列之外，也移除所列词元的行（查询）；要求查询数与键数相同</translation>
    </message>
    <message>
        <source>Not hidden: %1</source>
        <translation>未隐藏：%1</translation>
    </message>
    <message>
        <source>&amp;Model View Picture…</source>
        <translation>模型视图图片(&amp;M)…</translation>
    </message>
    <message>
        <source>Every layer × head of the bundle as in the Model tab, as PNG, SVG or PDF</source>
        <translation>注意力包的所有层 × 头，与“模型”标签页中相同，导出为 PNG、SVG 或 PDF</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>头</translation>
    </message>
    <message>
        <source>The layer (0-based), as in the page&apos;s controls</source>
        <translation>层（从 0 开始），与页面控件中的相同</translation>
    </message>
    <message>
        <source>The head (0-based); grouped-query heads read their key head</source>
        <translation>头（从 0 开始）；分组查询的头读取其对应的键头</translation>
    </message>
    <message>
        <source>The query (0-based, the file&apos;s tokens); a click on a query in the Heads view chooses it too</source>
        <translation>查询（从 0 开始，即文件中的词元）；在“头”视图中点击一个查询也会选中它</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Neuron</source>
        <translation>神经元</translation>
    </message>
    <message>
        <source>%1 — layer %2, %3 heads</source>
        <translation>%1 —— 第 %2 层，%3 个头</translation>
    </message>
    <message>
        <source>Open a bundle with q and k to see how one query&apos;s weights come about.</source>
        <translation>打开一个含有 q 和 k 的注意力包，查看一个查询的权重是如何得出的。</translation>
    </message>
    <message>
        <source>%1 holds no q and k, so the neuron view cannot be drawn: it needs a bundle with q, k, v (attnscope-cli model writes one; see docs/bundle-format.md).</source>
        <translation>%1 不含 q 和 k，因此无法绘制神经元视图：它需要一个含有 q、k、v 的注意力包（attnscope-cli model 可以生成；见 docs/bundle-format.md）。</translation>
    </message>
    <message>
        <source> (key head %1)</source>
        <translation>（键头 %1）</translation>
    </message>
    <message>
        <source>Layer %1, head %2%3, query %4 “%5”</source>
        <translation>第 %1 层，头 %2%3，查询 %4“%5”</translation>
    </message>
    <message>
        <source>Nothing is shown in the Heads view: %1</source>
        <translation>Nothing is shown in the Heads view: %1</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>已写入 %1</translation>
    </message>
    <message>
        <source>%1 &quot;%2&quot; cannot be used here</source>
        <translation>%1 &quot;%2&quot; cannot be used here</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Every layer × head at a glance, ranked by what each head does; click one to open it</source>
        <translation>所有层 × 头一览，按每个头的作用排序；点击其中一个即可打开</translation>
    </message>
    <message>
        <source>Export the Model view</source>
        <translation>导出模型视图</translation>
    </message>
</context>
<context>
    <name>attnscope::ControlsPanel</name>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Type a sentence (English or Chinese)</source>
        <translation>输入一个句子（英文或中文）</translation>
    </message>
    <message>
        <source>The sentence whose tokens attend to each other; words and punctuation are tokens, each Chinese or Japanese character is one.</source>
        <translation>其中的词元彼此关注的句子；单词和标点是词元，每个汉字或日文字符各是一个词元。</translation>
    </message>
    <message>
        <source>&amp;Sentence</source>
        <translation>句子(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Cross-attention to another sequence</source>
        <translation>对另一个序列做交叉注意力(&amp;C)</translation>
    </message>
    <message>
        <source>Queries come from the sentence, keys and values from the context below.</source>
        <translation>查询来自句子，键和值来自下面的上下文。</translation>
    </message>
    <message>
        <source>The keys&apos; sentence</source>
        <translation>键所在的句子</translation>
    </message>
    <message>
        <source>Cross-attention: the sequence C that keys and values are computed from (K = C·Wk, V = C·Wv).</source>
        <translation>交叉注意力：计算键和值所用的序列 C（K = C·Wk，V = C·Wv）。</translation>
    </message>
    <message>
        <source>Con&amp;text</source>
        <translation>上下文(&amp;T)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Width of the built-in embeddings (hashed character n-grams plus sinusoidal positions).</source>
        <translation>内置嵌入的宽度（字符 n-gram 的哈希加正弦位置编码）。</translation>
    </message>
    <message>
        <source>d_k: the size of one head&apos;s queries, keys and values.</source>
        <translation>d_k：一个头的查询、键和值的维度。</translation>
    </message>
    <message>
        <source>Number of heads: Wq, Wk, Wv have heads × d_k columns.</source>
        <translation>头的数量：Wq、Wk、Wv 各有 头数 × d_k 列。</translation>
    </message>
    <message>
        <source>Seed of the random projections Wq, Wk, Wv: the same seed gives the same picture everywhere.</source>
        <translation>随机投影 Wq、Wk、Wv 的种子：种子相同，在哪里画出的图都相同。</translation>
    </message>
    <message>
        <source>d_&amp;model</source>
        <translation>d_model(&amp;M)</translation>
    </message>
    <message>
        <source>d_&amp;k per head</source>
        <translation>每个头的 d_k(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Heads</source>
        <translation>头数(&amp;H)</translation>
    </message>
    <message>
        <source>S&amp;eed</source>
        <translation>种子(&amp;E)</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>1/√d_k</source>
        <translation>1/√d_k</translation>
    </message>
    <message>
        <source>1/d_k (tutorial code)</source>
        <translation>1/d_k（教程代码）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>How the scores are scaled. 1/√d_k keeps their spread independent of d_k; 1/d_k, which a widely copied tutorial uses, flattens the weights as d_k grows; none sharpens them.</source>
        <translation>分数如何缩放。1/√d_k 使分数的离散程度与 d_k 无关；1/d_k 是一份流传很广的教程的做法，d_k 越大权重越平坦；选“无”（不缩放）则使权重更尖锐。</translation>
    </message>
    <message>
        <source>The multiplier used by the custom scale.</source>
        <translation>自定义缩放使用的乘数。</translation>
    </message>
    <message>
        <source>Sc&amp;ale</source>
        <translation>缩放(&amp;A)</translation>
    </message>
    <message>
        <source>τ divides the scaled scores before the softmax: 1 changes nothing, small τ sharpens, large τ flattens.</source>
        <translation>τ 在 softmax 之前除缩放后的分数：1 不改变任何东西，τ 小则更尖锐，τ 大则更平坦。</translation>
    </message>
    <message>
        <source>&amp;Temperature τ</source>
        <translation>温度 τ(&amp;T)</translation>
    </message>
    <message>
        <source>causal</source>
        <translation>因果</translation>
    </message>
    <message>
        <source>padding of chosen keys</source>
        <translation>对选定的键做填充</translation>
    </message>
    <message>
        <source>Causal: query i attends keys 0..i. Padding: the checked keys are never attended. Masked scores become −∞ and get zero weight.</source>
        <translation>因果：查询 i 关注键 0..i。填充：勾选的键永远不被关注。被屏蔽的分数变为 −∞，权重为零。</translation>
    </message>
    <message>
        <source>Mas&amp;k</source>
        <translation>掩码(&amp;K)</translation>
    </message>
    <message>
        <source>Check the keys to treat as padding.</source>
        <translation>勾选作为填充的键。</translation>
    </message>
    <message>
        <source>Padded keys</source>
        <translation>填充的键</translation>
    </message>
    <message>
        <source>The head whose stages are shown (0-based).</source>
        <translation>显示其各阶段的头（从 0 开始）。</translation>
    </message>
    <message>
        <source>Head &amp;shown</source>
        <translation>显示的头(&amp;S)</translation>
    </message>
</context>
<context>
    <name>attnscope::DetailPanel</name>
    <message>
        <source>Click a cell of the heatmap to see its computation with real numbers.</source>
        <translation>点击热力图的一个单元格，查看它用真实数值的计算过程。</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Output [%1, %2]&lt;/h3&gt;&lt;p&gt;query &lt;b&gt;%3&lt;/b&gt;, value dimension %2&lt;/p&gt;</source>
        <translation>&lt;h3&gt;输出 [%1, %2]&lt;/h3&gt;&lt;p&gt;查询 &lt;b&gt;%3&lt;/b&gt;，值的维度 %2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;o = Σ&lt;sub&gt;j&lt;/sub&gt; a&lt;sub&gt;j&lt;/sub&gt; · v&lt;sub&gt;j,%1&lt;/sub&gt;&lt;/p&gt;&lt;table cellspacing=4&gt;</source>
        <translation>&lt;p&gt;o = Σ&lt;sub&gt;j&lt;/sub&gt; a&lt;sub&gt;j&lt;/sub&gt; · v&lt;sub&gt;j,%1&lt;/sub&gt;&lt;/p&gt;&lt;table cellspacing=4&gt;</translation>
    </message>
    <message>
        <source>&lt;tr&gt;&lt;th&gt;key j&lt;/th&gt;&lt;th&gt;a&lt;sub&gt;j&lt;/sub&gt;&lt;/th&gt;&lt;th&gt;v&lt;sub&gt;j,%1&lt;/sub&gt;&lt;/th&gt;&lt;th&gt;a·v&lt;/th&gt;&lt;/tr&gt;</source>
        <translation>&lt;tr&gt;&lt;th&gt;键 j&lt;/th&gt;&lt;th&gt;a&lt;sub&gt;j&lt;/sub&gt;&lt;/th&gt;&lt;th&gt;v&lt;sub&gt;j,%1&lt;/sub&gt;&lt;/th&gt;&lt;th&gt;a·v&lt;/th&gt;&lt;/tr&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;… %1 more keys&lt;/p&gt;</source>
        <translation>&lt;p&gt;…… 还有 %1 个键&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;o = %1&lt;/b&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;o = %1&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Query &lt;b&gt;%1&lt;/b&gt; → key &lt;b&gt;%2&lt;/b&gt;&lt;/h3&gt;&lt;p&gt;cell [%3, %4]&lt;/p&gt;</source>
        <translation>&lt;h3&gt;查询 &lt;b&gt;%1&lt;/b&gt; → 键 &lt;b&gt;%2&lt;/b&gt;&lt;/h3&gt;&lt;p&gt;单元格 [%3, %4]&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;1. Score&lt;/b&gt; s = q·k = %1 = &lt;b&gt;%2&lt;/b&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;1. 分数&lt;/b&gt; s = q·k = %1 = &lt;b&gt;%2&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;2. Scale&lt;/b&gt; s × %1</source>
        <translation>&lt;p&gt;&lt;b&gt;2. 缩放&lt;/b&gt; s × %1</translation>
    </message>
    <message>
        <source> ÷ τ (%1)</source>
        <translation> ÷ τ (%1)</translation>
    </message>
    <message>
        <source> = &lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;</source>
        <translation> = &lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;3. Mask&lt;/b&gt; blocked by the %1 mask: −∞, so exp gives 0&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;3. 掩码&lt;/b&gt; 被%1掩码屏蔽：−∞，因此 exp 得 0&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;3. Mask&lt;/b&gt; %1 + (%2) = &lt;b&gt;%3&lt;/b&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;3. 掩码&lt;/b&gt; %1 + (%2) = &lt;b&gt;%3&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;3. Mask&lt;/b&gt; not masked: &lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;3. 掩码&lt;/b&gt; 未屏蔽：&lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;4. Softmax&lt;/b&gt; every key of this row is masked: the weights are all 0, and so is the output.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;4. Softmax&lt;/b&gt; 这一行的每个键都被屏蔽：权重全为 0，输出也为 0。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;4. Softmax&lt;/b&gt; subtract the row maximum %1, exponentiate, normalise:&lt;br&gt;exp(%2 − %1) = %3&lt;br&gt;Σ&lt;sub&gt;j&lt;/sub&gt; exp(s&lt;sub&gt;j&lt;/sub&gt; − max) = %4&lt;br&gt;a = %3 ÷ %4 = &lt;b&gt;%5&lt;/b&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;4. Softmax&lt;/b&gt; 减去该行最大值 %1，取指数，再归一化：&lt;br&gt;exp(%2 − %1) = %3&lt;br&gt;Σ&lt;sub&gt;j&lt;/sub&gt; exp(s&lt;sub&gt;j&lt;/sub&gt; − max) = %4&lt;br&gt;a = %3 ÷ %4 = &lt;b&gt;%5&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>causal</source>
        <translation>因果</translation>
    </message>
    <message>
        <source>mask</source>
        <translation>布尔</translation>
    </message>
    <message>
        <source>padding</source>
        <translation>填充</translation>
    </message>
    <message>
        <source>o = (A·V)&lt;sub&gt;%1,%2&lt;/sub&gt; = %3 = &lt;b&gt;%4&lt;/b&gt;</source>
        <translation>o = (A·V)&lt;sub&gt;%1,%2&lt;/sub&gt; = %3 = &lt;b&gt;%4&lt;/b&gt;</translation>
    </message>
    <message>
        <source>−∞ (masked)</source>
        <translation>−∞（已屏蔽）</translation>
    </message>
    <message>
        <source>0 (not masked)</source>
        <translation>0（未屏蔽）</translation>
    </message>
    <message>
        <source>a = softmax(&lt;b&gt;%1&lt;/b&gt;%2 + %3)</source>
        <translation>a = softmax(&lt;b&gt;%1&lt;/b&gt;%2 + %3)</translation>
    </message>
    <message>
        <source> = &lt;b&gt;0&lt;/b&gt;</source>
        <translation> = &lt;b&gt;0&lt;/b&gt;</translation>
    </message>
    <message>
        <source> = e&lt;sup&gt;%1 − %2&lt;/sup&gt; / %3 = &lt;b&gt;%4&lt;/b&gt;</source>
        <translation> = e&lt;sup&gt;%1 − %2&lt;/sup&gt; / %3 = &lt;b&gt;%4&lt;/b&gt;</translation>
    </message>
    <message>
        <source>s = q·k = %1; s%2 = %3; + %4 = %5&lt;br&gt;%6</source>
        <translation>s = q·k = %1; s%2 = %3; + %4 = %5&lt;br&gt;%6</translation>
    </message>
</context>
<context>
    <name>attnscope::ExplorerModel</name>
    <message>
        <source>the Explorer shows no bundle, so it has no layers</source>
        <translation>the Explorer shows no bundle, so it has no layers</translation>
    </message>
    <message>
        <source>layer %1 is not within 0..%2 of %3</source>
        <translation>layer %1 is not within 0..%2 of %3</translation>
    </message>
    <message>
        <source>the input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>the sentence</source>
        <translation>句子</translation>
    </message>
    <message>
        <source>%1 (%2 × %3 tokens)</source>
        <translation>%1 (%2 × %3 tokens)</translation>
    </message>
    <message>
        <source>%1; the previous result stays shown.</source>
        <translation>%1; the previous result stays shown.</translation>
    </message>
    <message>
        <source>The recomputed weights equal the bundle&apos;s attentions for layer %1, head %2 (max |Δ| %3).</source>
        <translation>重新计算的权重与注意力包中第 %1 层、头 %2 的注意力一致（最大 |Δ| %3）。</translation>
    </message>
    <message>
        <source>The recomputed weights differ from the bundle&apos;s attentions for layer %1, head %2 (max |Δ| %3): the scale, temperature or mask chosen here is not the model&apos;s.</source>
        <translation>重新计算的权重与注意力包中第 %1 层、头 %2 的注意力不同（最大 |Δ| %3）：这里选择的缩放、温度或掩码与模型的不同。</translation>
    </message>
    <message>
        <source>the story</source>
        <translation>故事</translation>
    </message>
    <message>
        <source>the Explorer does not show the story</source>
        <translation>the Explorer does not show the story</translation>
    </message>
    <message>
        <source>story: the tokens cannot change</source>
        <translation>story: the tokens cannot change</translation>
    </message>
</context>
<context>
    <name>attnscope::ExplorerPage</name>
    <message>
        <source>Computation cancelled; the previous result stays shown.</source>
        <translation>计算已取消；仍显示之前的结果。</translation>
    </message>
    <message>
        <source>&amp;Explorer: stage by stage</source>
        <translation>探索器：逐阶段(&amp;E)</translation>
    </message>
    <message>
        <source>The keys, tinted by how much the selected query attends to each; click one to select it as the query</source>
        <translation>各个键，按所选查询对它的关注程度着色；点击一个键，把它选为查询</translation>
    </message>
    <message>
        <source>The bundle&apos;s layer whose q, k and v the stages are computed from (0 is the first)</source>
        <translation>用来计算各阶段的 q、k、v 所在的注意力包层（0 是第一层）</translation>
    </message>
    <message>
        <source>Bundle &amp;layer</source>
        <translation>注意力包的层(&amp;L)</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Computation of the cell</source>
        <translation>单元格的计算</translation>
    </message>
    <message>
        <source>&amp;Stage</source>
        <translation>阶段(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>上一步(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation>下一步(&amp;N)</translation>
    </message>
    <message>
        <source>Back to &amp;typed text</source>
        <translation>回到输入的文本(&amp;T)</translation>
    </message>
    <message>
        <source>Leave the tensors from files and compute from the sentence again</source>
        <translation>不再使用文件中的张量，重新从句子计算</translation>
    </message>
    <message>
        <source>%1 is not a tensor file with q, k, v (or x, wq, wk, wv) arrays, which the session names it as</source>
        <translation>%1 is not a tensor file with q, k, v (or x, wq, wk, wv) arrays, which the session names it as</translation>
    </message>
    <message>
        <source>&lt;b&gt;Model:&lt;/b&gt; %1 — the image&apos;s patches through the model&apos;s layers; choose the layer and head.</source>
        <translation>&lt;b&gt;模型：&lt;/b&gt;%1 —— 图像的图块经过模型的各层；请选择层和头。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Model:&lt;/b&gt; %1 — the sentence runs through the model; its real Q, K, V at the layer chosen.</source>
        <translation>&lt;b&gt;模型：&lt;/b&gt;%1 —— 句子经过模型运行；显示所选层上真实的 Q、K、V。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Synthetic mode:&lt;/b&gt; built-in embeddings and seeded random projections, to show the mechanism. File → Open Model… shows a real model.</source>
        <translation>&lt;b&gt;合成模式：&lt;/b&gt;使用内置嵌入和带种子的随机投影来演示机制。用“文件 → 打开模型…”查看真实模型。</translation>
    </message>
    <message>
        <source>An image model reads no sentence: File → Run the Model on an Image…</source>
        <translation>图像模型不读取句子：请用“文件 → 在图像上运行模型…”</translation>
    </message>
    <message>
        <source>The sentence the model runs on</source>
        <translation>模型处理的句子</translation>
    </message>
    <message>
        <source>Model &amp;layer</source>
        <translation>模型的层(&amp;L)</translation>
    </message>
    <message>
        <source>The sentence was cut to its first %1 of %2 characters.</source>
        <translation>句子被截断为前 %1 个字符（共 %2 个）。</translation>
    </message>
    <message>
        <source>head %1 is not within 0..%2 of the Explorer&apos;s input</source>
        <translation>head %1 is not within 0..%2 of the Explorer&apos;s input</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>%1 × %2, computed in %3 ms</source>
        <translation>%1 × %2，计算用时 %3 毫秒</translation>
    </message>
    <message>
        <source>Click a cell of the heatmap (or move to it with the arrow keys and press Enter) to see its computation with real numbers.</source>
        <translation>点击热力图的一个单元格（或用方向键移过去再按回车），查看它用真实数值的计算过程。</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;row &lt;b&gt;%2&lt;/b&gt; (%3), dimension %4&lt;/p&gt;&lt;p&gt;value &lt;b&gt;%5&lt;/b&gt;&lt;/p&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;第 &lt;b&gt;%2&lt;/b&gt; 行（%3），维度 %4&lt;/p&gt;&lt;p&gt;值 &lt;b&gt;%5&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>dimension %1</source>
        <translation>维度 %1</translation>
    </message>
    <message>
        <source>Nothing is computed yet.</source>
        <translation>还没有计算任何内容。</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>导出已取消；没有写入任何文件。</translation>
    </message>
    <message>
        <source>Data of &amp;Every Stage…</source>
        <translation>每个阶段的数据(&amp;E)…</translation>
    </message>
    <message>
        <source>Folder for q, k, v, scores, scaled, masked, weights, output (.npy)</source>
        <translation>存放 q、k、v、scores、scaled、masked、weights、output（.npy）的文件夹</translation>
    </message>
    <message>
        <source>Exported 8 stages to %1</source>
        <translation>已将 8 个阶段导出到 %1</translation>
    </message>
    <message>
        <source>&amp;All Heads…</source>
        <translation>所有头(&amp;A)…</translation>
    </message>
    <message>
        <source>Stage &amp;Frames…</source>
        <translation>阶段帧(&amp;F)…</translation>
    </message>
    <message>
        <source>Folder for the numbered stage frames (PNG)</source>
        <translation>存放按编号排列的阶段帧（PNG）的文件夹</translation>
    </message>
    <message>
        <source>Exported %1 frames to %2</source>
        <translation>已导出 %1 帧到 %2</translation>
    </message>
    <message>
        <source>AttnScope</source>
        <translation>AttnScope</translation>
    </message>
    <message>
        <source>Folder for the weights of every head (PNG and .npy)</source>
        <translation>存放每个头的权重（PNG 和 .npy）的文件夹</translation>
    </message>
    <message>
        <source>Computing and drawing every head…</source>
        <translation>正在计算并绘制每个头…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Exported %1 heads to %2</source>
        <translation>已导出 %1 个头到 %2</translation>
    </message>
    <message>
        <source>explorer.%1 is not an integer within %2..%3; ignored</source>
        <translation>explorer.%1 is not an integer within %2..%3; ignored</translation>
    </message>
    <message>
        <source>explorer.%1 is not a pair of numbers; ignored</source>
        <translation>explorer.%1 is not a pair of numbers; ignored</translation>
    </message>
    <message>
        <source>%1 — row %2 summed term by term</source>
        <translation>%1 —— 第 %2 行逐项求和</translation>
    </message>
    <message>
        <source>Compare &amp;scalings</source>
        <translation>比较缩放方式(&amp;S)</translation>
    </message>
    <message>
        <source>The same scores under 1/√d_k, 1/d_k and no scaling, side by side on one colour scale, with each row&apos;s entropy; change d_k to see the softmax saturate</source>
        <translation>同一组分数分别按 1/√d_k、1/d_k 缩放和不缩放，在同一色标上并排显示，并给出每一行的熵；改变 d_k 可以看到 softmax 趋于饱和</translation>
    </message>
    <message>
        <source>explorer.story.lang is not &quot;en&quot; or &quot;zh_CN&quot;; the English story is shown</source>
        <translation>explorer.story.lang is not &quot;en&quot; or &quot;zh_CN&quot;; the English story is shown</translation>
    </message>
    <message>
        <source>explorer.story.features is not %1 rows of %2 numbers; the built-in features are shown</source>
        <translation>explorer.story.features is not %1 rows of %2 numbers; the built-in features are shown</translation>
    </message>
    <message>
        <source>explorer.overrides[%1] is not a query or key vector of a head and token; ignored</source>
        <translation>explorer.overrides[%1] is not a query or key vector of a head and token; ignored</translation>
    </message>
    <message>
        <source>Story features</source>
        <translation>故事特征</translation>
    </message>
    <message>
        <source>What if</source>
        <translation>假设分析</translation>
    </message>
    <message>
        <source>E&amp;xamples</source>
        <translation>示例(&amp;X)</translation>
    </message>
    <message>
        <source>The animal and the street (&amp;English)</source>
        <translation>动物与马路（英文）(&amp;E)</translation>
    </message>
    <message>
        <source>The animal and the street (&amp;中文)</source>
        <translation>动物与马路（中文）(&amp;Z)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Story example:&lt;/b&gt; every word is a row of features set by hand (the Story features dock), and Wq, Wk, Wv are chosen by hand so that a pronoun seeks an animate noun.</source>
        <translation>&lt;b&gt;故事示例：&lt;/b&gt;每个词是一行手工设定的特征（见“故事特征”面板），Wq、Wk、Wv 也是手工选定的，使代词去寻找有生命的名词。</translation>
    </message>
    <message>
        <source>story feature change</source>
        <translation>故事特征更改</translation>
    </message>
    <message>
        <source>what-if vector change</source>
        <translation>假设分析向量更改</translation>
    </message>
    <message>
        <source>No word is marked as a pronoun: set one word&apos;s “pronoun” to 1.</source>
        <translation>没有词被标为代词：请把某个词的“代词”设为 1。</translation>
    </message>
    <message>
        <source>“%1” attends most to “%2” (weight %3).</source>
        <translation>“%1”最关注“%2”（权重 %3）。</translation>
    </message>
    <message>
        <source>1/√d_k = 1/√%1</source>
        <translation>1/√d_k = 1/√%1</translation>
    </message>
    <message>
        <source>1/d_k = 1/%1</source>
        <translation>1/d_k = 1/%1</translation>
    </message>
    <message>
        <source>nothing (no scaling)</source>
        <translation>无（不缩放）</translation>
    </message>
    <message>
        <source>a custom factor %1</source>
        <translation>自定义系数 %1</translation>
    </message>
    <message>
        <source>, then ÷ τ = %1</source>
        <translation>，再 ÷ τ = %1</translation>
    </message>
    <message>
        <source>&amp;Cell</source>
        <translation>单元格(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Neuron</source>
        <translation>神经元(&amp;N)</translation>
    </message>
    <message>
        <source>For the selected query of the shown head: q, every key&apos;s k, q ⊙ k, q · k, the scaled scores and the softmax across the keys</source>
        <translation>所显示头中选定查询的 q、每个键的 k、q ⊙ k、q · k、缩放后的分数以及对所有键的 softmax</translation>
    </message>
    <message>
        <source>Click a cell of the heatmap to see its query&apos;s path from q and k to the weights.</source>
        <translation>点击热力图的一个单元格，查看该查询从 q 和 k 到权重的计算过程。</translation>
    </message>
    <message>
        <source>The selected row is not a query of head %1.</source>
        <translation>所选行不是头 %1 的查询。</translation>
    </message>
    <message>
        <source>head %1, query %2 “%3”</source>
        <translation>头 %1，查询 %2 “%3”</translation>
    </message>
    <message>
        <source>an additive mask was added to the scaled scores before the softmax (the Masked stage)</source>
        <translation>在 softmax 之前，缩放后的分数加上了加性掩码（“掩码”阶段）</translation>
    </message>
</context>
<context>
    <name>attnscope::ExplorerSession</name>
    <message>
        <source>Not enough memory to compute attention for %1 tokens; the previous result stays shown.</source>
        <translation>Not enough memory to compute attention for %1 tokens; the previous result stays shown.</translation>
    </message>
</context>
<context>
    <name>attnscope::FormulaLine</name>
    <message>
        <source>Scaled dot-product attention; the highlighted part is what the current stage computes</source>
        <translation>缩放点积注意力；高亮的部分是当前阶段计算的内容</translation>
    </message>
    <message>
        <source>&lt;span style=&quot;font-size:large&quot;&gt;Attention = %1&lt;/span&gt;</source>
        <translation>&lt;span style=&quot;font-size:large&quot;&gt;Attention = %1&lt;/span&gt;</translation>
    </message>
</context>
<context>
    <name>attnscope::HeadGrid</name>
    <message>
        <source>No heads to show</source>
        <translation>没有可显示的头</translation>
    </message>
    <message>
        <source>Every head of layer %1 — click one to show it alone</source>
        <translation>第 %1 层的每个头 —— 点击其中一个单独显示</translation>
    </message>
    <message>
        <source>Head %1 in every layer — click one to show it alone</source>
        <translation>每一层的头 %1 —— 点击其中一个单独显示</translation>
    </message>
    <message>
        <source>Layer %1, head %2: click to show it alone</source>
        <translation>第 %1 层，头 %2：点击单独显示</translation>
    </message>
</context>
<context>
    <name>attnscope::HeadView</name>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>The layer whose heads are drawn (0-based)</source>
        <translation>要绘制其各个头的层（从 0 开始）</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Links with a weight below this are not drawn</source>
        <translation>权重低于此值的连线不绘制</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Show every head</source>
        <translation>显示所有头</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Hide every head</source>
        <translation>隐藏所有头</translation>
    </message>
    <message>
        <source>Show or hide head %1</source>
        <translation>显示或隐藏头 %1</translation>
    </message>
    <message>
        <source>Nothing to draw.</source>
        <translation>没有可绘制的内容。</translation>
    </message>
    <message numerus="yes">
        <source>%n link(s) at or above %1, %2</source>
        <translation>
            <numerusform>%n 条连线的权重不低于 %1，%2</numerusform>
        </translation>
    </message>
    <message>
        <source>from query %1 “%2” (click it again for every query)</source>
        <translation>来自查询 %1“%2”（再次点击可显示所有查询）</translation>
    </message>
    <message>
        <source>from every query (hover or click a query on the left)</source>
        <translation>来自所有查询（悬停或点击左侧的某个查询）</translation>
    </message>
</context>
<context>
    <name>attnscope::ImagePage</name>
    <message>
        <source>Click a patch to see where it looks; drag a rectangle to select several patches (their mean is shown).</source>
        <translation>点击一个图块，查看它关注哪里；拖出一个矩形可选择多个图块（显示它们的平均）。</translation>
    </message>
    <message>
        <source>Open an image: the button on the left, drag and drop a file here, or start with  attnscope IMAGE</source>
        <translation>打开一张图像：用左侧的按钮，把文件拖放到这里，或用  attnscope IMAGE  启动</translation>
    </message>
    <message>
        <source>The stage matrix of the shown head: rows are queries, columns the patches as keys. Click a row to show that query&apos;s map.</source>
        <translation>所显示的头的阶段矩阵：行是查询，列是作为键的图块。点击一行显示该查询的图。</translation>
    </message>
    <message>
        <source>Every query token&apos;s map over the image at once; click one to show it large.</source>
        <translation>每个查询词元在图像上的图一次全部显示；点击其中一个放大显示。</translation>
    </message>
    <message>
        <source>%1 has no image_grid: its keys are not image patches</source>
        <translation>%1 has no image_grid: its keys are not image patches</translation>
    </message>
    <message>
        <source>Patches of at least %1 px for this image: at most %2 patches are computed</source>
        <translation>这张图像的图块至少为 %1 像素：最多计算 %2 个图块</translation>
    </message>
    <message>
        <source>%1
%2 × %3 px, %4 × %5 patches</source>
        <translation>%1
%2 × %3 像素，%4 × %5 个图块</translation>
    </message>
    <message>
        <source>The prompt is empty: type a prompt, its tokens will attend to the image</source>
        <translation>提示词为空：请输入提示词，它的词元将关注这张图像</translation>
    </message>
    <message>
        <source>%1 patches, head %2: computed in %3 ms</source>
        <translation>%1 个图块，头 %2：计算用时 %3 毫秒</translation>
    </message>
    <message>
        <source>%1: layer %2, head %3</source>
        <translation>%1：第 %2 层，头 %3</translation>
    </message>
    <message>
        <source>Layer %1, head %2 · weights</source>
        <translation>第 %1 层，头 %2 · 权重</translation>
    </message>
    <message>
        <source>Head %1 · %2</source>
        <translation>头 %1 · %2</translation>
    </message>
    <message>
        <source>prompt token (query)</source>
        <translation>提示词词元（查询）</translation>
    </message>
    <message>
        <source>patch (query)</source>
        <translation>图块（查询）</translation>
    </message>
    <message>
        <source>patch (key)</source>
        <translation>图块（键）</translation>
    </message>
    <message>
        <source>Open an image to see how its patches attend to each other, or how a prompt attends to it.</source>
        <translation>打开一张图像，查看它的图块如何相互关注，或一段提示词如何关注它。</translation>
    </message>
    <message>
        <source>Pick a token below to see where it looks in the image.</source>
        <translation>在下面选择一个词元，查看它在图像中关注哪里。</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>Where &lt;b&gt;“%1”&lt;/b&gt; looks</source>
        <translation>&lt;b&gt;“%1”&lt;/b&gt; 关注哪里</translation>
    </message>
    <message>
        <source>Where patch &lt;b&gt;%1&lt;/b&gt; looks</source>
        <translation>图块 &lt;b&gt;%1&lt;/b&gt; 关注哪里</translation>
    </message>
    <message>
        <source>Where &lt;b&gt;%1 patches&lt;/b&gt; look (the mean of their rows)</source>
        <translation>&lt;b&gt;%1 个图块&lt;/b&gt;关注哪里（它们各行的平均）</translation>
    </message>
    <message>
        <source>Click a patch or drag over several.</source>
        <translation>点击一个图块，或拖过多个图块。</translation>
    </message>
    <message>
        <source>Click a thumbnail below for another token.</source>
        <translation>点击下面的缩略图查看另一个词元。</translation>
    </message>
    <message>
        <source>%1: weights over the %2 patches, from 0 (dark) to the largest, %3 (bright). %4</source>
        <translation>%1：在 %2 个图块上的权重，从 0（暗）到最大值 %3（亮）。%4</translation>
    </message>
    <message>
        <source>Attention to patch %1: %2</source>
        <translation>对图块 %1 的注意力：%2</translation>
    </message>
    <message>
        <source>patch r%1c%2: weight %3</source>
        <translation>图块 r%1c%2：权重 %3</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>&amp;Open image…</source>
        <translation>打开图像(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a PNG, JPEG, BMP, GIF or other image (or drop one on this page)</source>
        <translation>打开 PNG、JPEG、BMP、GIF 或其他格式的图像（或把图像拖放到本页）</translation>
    </message>
    <message>
        <source>no image</source>
        <translation>没有图像</translation>
    </message>
    <message>
        <source>The image shown and its patch grid</source>
        <translation>显示的图像及其图块网格</translation>
    </message>
    <message>
        <source>Patches of about this many pixels square; each patch is one token (16 features: colour, contrast, edges, position). At most %1 patches.</source>
        <translation>图块的边长约为这么多像素；每个图块是一个词元（16 个特征：颜色、对比度、边缘、位置）。最多 %1 个图块。</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>&amp;Patch size</source>
        <translation>图块大小(&amp;P)</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Patches attend to each other</source>
        <translation>图块相互关注</translation>
    </message>
    <message>
        <source>A prompt attends to the image</source>
        <translation>提示词关注图像</translation>
    </message>
    <message>
        <source>A bundle&apos;s attention</source>
        <translation>注意力包中的注意力</translation>
    </message>
    <message>
        <source>Self-attention among the patches, or text → image cross-attention as in text-to-image models: the prompt&apos;s tokens are the queries, the patches the keys and values. The bundle&apos;s attention is available after opening a bundle with image_grid.</source>
        <translation>图块之间的自注意力，或像文生图模型那样的文本 → 图像交叉注意力：提示词的词元是查询，图块是键和值。打开带 image_grid 的注意力包后，可使用注意力包中的注意力。</translation>
    </message>
    <message>
        <source>&amp;Mode</source>
        <translation>模式(&amp;M)</translation>
    </message>
    <message>
        <source>a house under the sun</source>
        <translation>阳光下的一座房子</translation>
    </message>
    <message>
        <source>Type a prompt</source>
        <translation>输入提示词</translation>
    </message>
    <message>
        <source>The prompt whose tokens attend to the image&apos;s patches (prompt mode)</source>
        <translation>其词元关注图像图块的提示词（提示词模式）</translation>
    </message>
    <message>
        <source>P&amp;rompt</source>
        <translation>提示词(&amp;R)</translation>
    </message>
    <message>
        <source>The bundle&apos;s layer to show</source>
        <translation>要显示的注意力包的层</translation>
    </message>
    <message>
        <source>&amp;Layer</source>
        <translation>层(&amp;L)</translation>
    </message>
    <message>
        <source>The head to show; each head has its own seeded projections</source>
        <translation>要显示的头；每个头有自己带种子的投影</translation>
    </message>
    <message>
        <source>&amp;Head</source>
        <translation>头(&amp;H)</translation>
    </message>
    <message>
        <source>Seed of the random projections Wq, Wk, Wv (and of the patches&apos; map into the text&apos;s width in prompt mode)</source>
        <translation>随机投影 Wq、Wk、Wv 的种子（在提示词模式下，也是把图块映射到文本宽度的种子）</translation>
    </message>
    <message>
        <source>S&amp;eed</source>
        <translation>种子(&amp;E)</translation>
    </message>
    <message>
        <source>Scores Q·Kᵀ</source>
        <translation>分数 Q·Kᵀ</translation>
    </message>
    <message>
        <source>Scaled scores</source>
        <translation>缩放后的分数</translation>
    </message>
    <message>
        <source>Weights (softmax)</source>
        <translation>权重（softmax）</translation>
    </message>
    <message>
        <source>The stage the matrix beside the image shows; the overlay always shows weights</source>
        <translation>图像旁边的矩阵所显示的阶段；叠加图总是显示权重</translation>
    </message>
    <message>
        <source>Ma&amp;trix</source>
        <translation>矩阵(&amp;T)</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>How strongly the map covers the image: 0 shows the image alone, 100 the map alone</source>
        <translation>图覆盖图像的程度：0 只显示图像，100 只显示图</translation>
    </message>
    <message>
        <source>&amp;Opacity</source>
        <translation>不透明度(&amp;O)</translation>
    </message>
    <message>
        <source>Nearest (patch blocks)</source>
        <translation>最近邻（图块方块）</translation>
    </message>
    <message>
        <source>Smooth (bilinear)</source>
        <translation>平滑（双线性）</translation>
    </message>
    <message>
        <source>Nearest paints each patch in one colour, exactly as computed; smooth interpolates between patch centres</source>
        <translation>最近邻把每个图块涂成一种颜色，与计算结果完全一致；平滑在图块中心之间插值</translation>
    </message>
    <message>
        <source>&amp;Upsampling</source>
        <translation>上采样(&amp;U)</translation>
    </message>
    <message>
        <source>Colours from 0 (dark) to the shown map&apos;s largest weight (bright)</source>
        <translation>颜色从 0（暗）到所显示的图中的最大权重（亮）</translation>
    </message>
    <message>
        <source>&amp;Colour map</source>
        <translation>色图(&amp;C)</translation>
    </message>
    <message>
        <source>Open an image</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <source>Images (%1);;All files (*)</source>
        <translation>图像 (%1);;所有文件 (*)</translation>
    </message>
    <message>
        <source>I&amp;mage regions</source>
        <translation>图像区域(&amp;M)</translation>
    </message>
    <message>
        <source>The image of this bundle (%1 × %2 patches)</source>
        <translation>这个注意力包的图像（%1 × %2 个图块）</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.gif)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.bmp *.gif)</translation>
    </message>
    <message>
        <source>AttnScope</source>
        <translation>AttnScope</translation>
    </message>
    <message>
        <source>the window&apos;s input is not a bundle whose keys are image patches</source>
        <translation>the window&apos;s input is not a bundle whose keys are image patches</translation>
    </message>
    <message>
        <source>layer %1 is not within 0..%2 of the bundle over the image</source>
        <translation>layer %1 is not within 0..%2 of the bundle over the image</translation>
    </message>
    <message>
        <source>head %1 is not within 0..%2 of the bundle over the image</source>
        <translation>head %1 is not within 0..%2 of the bundle over the image</translation>
    </message>
    <message>
        <source>cannot write %1: no image is open</source>
        <translation>cannot write %1: no image is open</translation>
    </message>
    <message>
        <source>No map is shown over the image yet.</source>
        <translation>图像上还没有显示任何图。</translation>
    </message>
    <message>
        <source>patch row</source>
        <translation>图块行</translation>
    </message>
    <message>
        <source>patch column</source>
        <translation>图块列</translation>
    </message>
</context>
<context>
    <name>attnscope::Language</name>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;System (the computer&apos;s language)</source>
        <translation>跟随系统(&amp;S)（计算机的语言）</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>attnscope::LessonCard</name>
    <message>
        <source>Drag the card to move it off the heatmap</source>
        <translation>拖动卡片，把它从热力图上移开</translation>
    </message>
    <message>
        <source>← &amp;Back</source>
        <translation>← 上一步(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Next →</source>
        <translation>下一步(&amp;N) →</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第 %1 步，共 %2 步</translation>
    </message>
</context>
<context>
    <name>attnscope::LongPage</name>
    <message>
        <source>&lt;h2&gt;Long inputs&lt;/h2&gt;&lt;p&gt;Q and K files of more than 4,096 tokens (or whose stages would not fit in memory) open here, with &lt;b&gt;File → Open Q/K/V or X/W tensors…&lt;/b&gt; (Ctrl+Shift+O) or by dropping them on the window.&lt;/p&gt;&lt;p&gt;Their weights are computed on the fly and never stored: first an exact overview of the whole head, with the attention each key receives above it and each query&apos;s entropy beside it; zoom in (wheel, +) and the region shown is computed exactly; hover a cell for its weight, click it for its computation.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;长输入&lt;/h2&gt;&lt;p&gt;超过 4,096 个词元（或各阶段放不进内存）的 Q、K 文件在这里打开：&lt;b&gt;文件 → 打开 Q/K/V 或 X/W 张量…&lt;/b&gt;（Ctrl+Shift+O），或直接拖到窗口上。&lt;/p&gt;&lt;p&gt;它们的权重随算随用、从不存储：先给出整个头的精确概览，上方是每个键得到的注意力，旁边是每个查询的熵；放大（滚轮、+）后，所显示的区域会被精确计算；鼠标悬停在单元格上可看其权重，点击可看其计算过程。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Click a cell of the heatmap (or move to it with the arrow keys) to see its computation with real numbers.</source>
        <translation>点击热力图中的一个单元格（或用方向键移到它上面），即可看到它用真实数字进行的计算。</translation>
    </message>
    <message>
        <source>Computation of the cell</source>
        <translation>单元格的计算</translation>
    </message>
    <message>
        <source>&amp;Long input</source>
        <translation>长输入(&amp;L)</translation>
    </message>
    <message>
        <source>The query head shown (grouped-query heads read their key head)</source>
        <translation>显示的查询头（分组查询的头读取其对应的键头）</translation>
    </message>
    <message>
        <source>The bundle&apos;s layer whose q and k are shown</source>
        <translation>显示其 q、k 的数据包层</translation>
    </message>
    <message>
        <source>1/√d_k</source>
        <translation>1/√d_k</translation>
    </message>
    <message>
        <source>1/d_k</source>
        <translation>1/d_k</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>What the scores are multiplied by before the softmax</source>
        <translation>softmax 之前分数所乘的系数</translation>
    </message>
    <message>
        <source>&amp;Causal</source>
        <translation>因果(&amp;C)</translation>
    </message>
    <message>
        <source>Query i attends keys 0 … i only (added to the files&apos; own masks)</source>
        <translation>查询 i 只关注键 0 … i（叠加在文件自带的掩码之上）</translation>
    </message>
    <message>
        <source>L&amp;og colours</source>
        <translation>对数配色(&amp;O)</translation>
    </message>
    <message>
        <source>Colour by log₁₀ of the weight over the six decades below the largest: the faint diagonals and sinks of long inputs show up</source>
        <translation>按权重的 log₁₀ 着色，范围为最大值以下六个数量级：长输入中微弱的对角线和汇聚点就会显现出来</translation>
    </message>
    <message>
        <source>La&amp;yer:</source>
        <translation>层(&amp;Y)：</translation>
    </message>
    <message>
        <source>&amp;Scale:</source>
        <translation>缩放(&amp;S)：</translation>
    </message>
    <message>
        <source>--head %1 is out of range: %2 has %3 head(s)</source>
        <translation>--head %1 超出范围：%2 有 %3 个头</translation>
    </message>
    <message>
        <source>--layer %1: %2 has no layers</source>
        <translation>--layer %1：%2 没有层</translation>
    </message>
    <message>
        <source>Computing the weights of %1 × %2 cells, streamed…</source>
        <translation>正在流式计算 %1 × %2 个单元格的权重…</translation>
    </message>
    <message>
        <source>Computation cancelled.</source>
        <translation>计算已取消。</translation>
    </message>
    <message>
        <source>The weights of %1 × %2 cells computed streamed in %3 s on %4 thread(s); none is stored.</source>
        <translation>已在 %4 个线程上用 %3 秒流式算出 %1 × %2 个单元格的权重；没有存储任何一个。</translation>
    </message>
    <message>
        <source>%1 · head %2%3 · softmax weights, streamed</source>
        <translation>%1 · 头 %2%3 · softmax 权重，流式计算</translation>
    </message>
    <message>
        <source> · layer %1</source>
        <translation> · 第 %1 层</translation>
    </message>
    <message>
        <source>%1 queries × %2 keys, d_k %3, %4 head(s)</source>
        <translation>%1 个查询 × %2 个键，d_k %3，%4 个头</translation>
    </message>
    <message>
        <source> · overview in %1 s on %2 thread(s)</source>
        <translation> · 概览用时 %1 秒，%2 个线程</translation>
    </message>
    <message>
        <source>From the overview&apos;s %1 × %2 bins, merged: each pixel shows the %3 of its cells&apos; weights (exact).</source>
        <translation>由概览的 %1 × %2 个分箱合并而来：每个像素显示其单元格权重的%3（精确）。</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均值</translation>
    </message>
    <message>
        <source>largest</source>
        <translation>最大值</translation>
    </message>
    <message>
        <source>Computing the %1 × %2 cells shown exactly…</source>
        <translation>正在精确计算所显示的 %1 × %2 个单元格…</translation>
    </message>
    <message>
        <source>Every weight shown computed exactly for this view (%1 × %2 cells, %3 ms).</source>
        <translation>所显示的每个权重都为此视图精确计算（%1 × %2 个单元格，%3 毫秒）。</translation>
    </message>
    <message>
        <source>Computed exactly for this view (%1 × %2 cells, %3 ms): each pixel shows the %4 of its cells&apos; weights.</source>
        <translation>为此视图精确计算（%1 × %2 个单元格，%3 毫秒）：每个像素显示其单元格权重的%4。</translation>
    </message>
    <message>
        <source>%1 “%2”</source>
        <translation>%1 “%2”</translation>
    </message>
    <message>
        <source>query %1 · key %2: weight %3 · the key receives %4 in all · the query&apos;s entropy %5 bits</source>
        <translation>查询 %1 · 键 %2：权重 %3 · 该键共得到 %4 · 该查询的熵 %5 比特</translation>
    </message>
    <message>
        <source>cannot write %1: nothing is shown in the Long input tab</source>
        <translation>无法写入 %1：长输入标签页中没有显示任何内容</translation>
    </message>
    <message>
        <source>nothing is shown in the Long input tab</source>
        <translation>长输入标签页中没有显示任何内容</translation>
    </message>
    <message>
        <source>Key and Entropy Strips (.npy)…</source>
        <translation>键与熵条带 (.npy)…</translation>
    </message>
    <message>
        <source>Folder for column_sums.npy and entropy.npy</source>
        <translation>column_sums.npy 和 entropy.npy 的文件夹</translation>
    </message>
    <message>
        <source>Wrote column_sums.npy and entropy.npy into %1</source>
        <translation>已将 column_sums.npy 和 entropy.npy 写入 %1</translation>
    </message>
    <message>
        <source>pages.long.layer: %1</source>
        <translation>pages.long.layer：%1</translation>
    </message>
    <message>
        <source>pages.long.head is out of range; head %1 is shown</source>
        <translation>pages.long.head 超出范围；显示头 %1</translation>
    </message>
    <message>
        <source>pages.long.scale is not sqrt, dim or none; ignored</source>
        <translation>pages.long.scale 不是 sqrt、dim 或 none；已忽略</translation>
    </message>
    <message>
        <source>pages.long.cell is outside the matrix; ignored</source>
        <translation>pages.long.cell 在矩阵之外；已忽略</translation>
    </message>
    <message>
        <source>Hea&amp;d:</source>
        <translation>头(&amp;D)：</translation>
    </message>
    <message>
        <source>log colours</source>
        <translation>对数配色</translation>
    </message>
    <message>
        <source>causal mask</source>
        <translation>因果掩码</translation>
    </message>
    <message>
        <source>scale</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>head</source>
        <translation>头</translation>
    </message>
</context>
<context>
    <name>attnscope::MainWindow</name>
    <message>
        <source>AttnScope[*]</source>
        <translation>AttnScope[*]</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a text file, a tensor file, an attention bundle, an image or a session</source>
        <translation>打开文本文件、张量文件、注意力包、图像或会话</translation>
    </message>
    <message>
        <source>Open &amp;Q/K/V or X/W tensors…</source>
        <translation>打开 Q/K/V 或 X/W 张量(&amp;Q)…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About AttnScope</source>
        <translation>关于 AttnScope(&amp;A)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Reset zoom</source>
        <translation>重置缩放(&amp;R)</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Colour map for weights</source>
        <translation>权重的色图(&amp;C)</translation>
    </message>
    <message>
        <source>When cells are smaller than a &amp;pixel</source>
        <translation>单元格小于一个像素时(&amp;P)</translation>
    </message>
    <message>
        <source>show the mean</source>
        <translation>显示平均值</translation>
    </message>
    <message>
        <source>show the maximum</source>
        <translation>显示最大值</translation>
    </message>
    <message>
        <source>&amp;Memory budget…</source>
        <translation>内存预算(&amp;M)…</translation>
    </message>
    <message>
        <source>The most memory the window may use; larger inputs are refused</source>
        <translation>窗口最多可使用的内存；更大的输入会被拒绝</translation>
    </message>
    <message>
        <source>Save this work as a session before closing?</source>
        <translation>关闭前把当前工作保存为会话吗？</translation>
    </message>
    <message>
        <source>The session %1 has unsaved changes. Save them?</source>
        <translation>会话 %1 有未保存的更改。要保存吗？</translation>
    </message>
    <message>
        <source>AttnScope</source>
        <translation>AttnScope</translation>
    </message>
    <message>
        <source>E&amp;xport</source>
        <translation>导出(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;Picture…</source>
        <translation>图片(&amp;P)…</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>The shown tab&apos;s main view as PNG, SVG or PDF, with its title, labels and colour scale</source>
        <translation>当前标签页的主视图，导出为 PNG、SVG 或 PDF，包括标题、标签和色标</translation>
    </message>
    <message>
        <source>&amp;Copy Picture</source>
        <translation>复制图片(&amp;C)</translation>
    </message>
    <message>
        <source>Ctrl+Shift+C</source>
        <translation>Ctrl+Shift+C</translation>
    </message>
    <message>
        <source>&amp;Data…</source>
        <translation>数据(&amp;D)…</translation>
    </message>
    <message>
        <source>The shown tab&apos;s main matrix as CSV or a NumPy array</source>
        <translation>当前标签页的主矩阵，导出为 CSV 或 NumPy 数组</translation>
    </message>
    <message>
        <source>Copied a %1 × %2 picture to the clipboard</source>
        <translation>已将 %1 × %2 的图片复制到剪贴板</translation>
    </message>
    <message>
        <source>Export picture</source>
        <translation>导出图片</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Export the data shown</source>
        <translation>导出显示的数据</translation>
    </message>
    <message>
        <source>CSV (*.csv);;NumPy array (*.npy)</source>
        <translation>CSV (*.csv);;NumPy 数组 (*.npy)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the computation in flight (Esc); the previous result stays shown</source>
        <translation>停止正在进行的计算（Esc）；仍显示之前的结果</translation>
    </message>
    <message>
        <source>Memory budget</source>
        <translation>内存预算</translation>
    </message>
    <message>
        <source>The most memory the window may use (512M, 4G; empty: %1, the default).
Now: %2.</source>
        <translation>窗口最多可使用的内存（512M、4G；留空：%1，即默认值）。
当前：%2。</translation>
    </message>
    <message>
        <source>Memory budget: %1</source>
        <translation>内存预算：%1</translation>
    </message>
    <message>
        <source>Open &amp;Model…</source>
        <translation>打开模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Ctrl+M</source>
        <translation>Ctrl+M</translation>
    </message>
    <message>
        <source>Open a Hugging Face model folder (config.json, safetensors, tokenizer) and run it on the sentence</source>
        <translation>打开一个 Hugging Face 模型文件夹（config.json、safetensors、分词器），并在句子上运行它</translation>
    </message>
    <message>
        <source>Run the Model on an &amp;Image…</source>
        <translation>在图像上运行模型(&amp;I)…</translation>
    </message>
    <message>
        <source>An image for %1</source>
        <translation>给 %1 的图像</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.gif)</source>
        <translation>图像 (*.png *.jpg *.jpeg *.bmp *.gif)</translation>
    </message>
    <message>
        <source>&amp;Close Model</source>
        <translation>关闭模型(&amp;C)</translation>
    </message>
    <message>
        <source>Running %1: layer %2 of %3…</source>
        <translation>正在运行 %1：第 %2 层，共 %3 层…</translation>
    </message>
    <message>
        <source>%1 reads images: File → Run the Model on an Image…</source>
        <translation>%1 读取的是图像：请用“文件 → 在图像上运行模型…”</translation>
    </message>
    <message>
        <source>Reading the weights of %1…</source>
        <translation>正在读取 %1 的权重…</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>no model is open</source>
        <translation>no model is open</translation>
    </message>
    <message>
        <source>%1: no tab opens this kind of file</source>
        <translation>%1: no tab opens this kind of file</translation>
    </message>
    <message>
        <source>no tab opens tensor files</source>
        <translation>no tab opens tensor files</translation>
    </message>
    <message>
        <source>%1 is not a bundle whose keys are image patches</source>
        <translation>%1 is not a bundle whose keys are image patches</translation>
    </message>
    <message>
        <source>%1 and %2 more files</source>
        <translation>%1 and %2 more files</translation>
    </message>
    <message>
        <source>%1 to be shown; the window keeps its present input.</source>
        <translation>%1 to be shown; the window keeps its present input.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Text, tensors, bundles, images and sessions (*.txt *.npy *.npz *.safetensors *.csv *.tsv *.png *.jpg *.jpeg *.bmp *.gif *.attnscope);;All files (*)</source>
        <translation>文本、张量、注意力包、图像和会话 (*.txt *.npy *.npz *.safetensors *.csv *.tsv *.png *.jpg *.jpeg *.bmp *.gif *.attnscope);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open Q, K, V (or X, Wq, Wk, Wv) — files named after their role</source>
        <translation>打开 Q、K、V（或 X、Wq、Wk、Wv）—— 文件以其角色命名</translation>
    </message>
    <message>
        <source>Tensors (*.npy *.npz *.safetensors *.csv *.tsv);;All files (*)</source>
        <translation>张量 (*.npy *.npz *.safetensors *.csv *.tsv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Recover the last session?</source>
        <translation>恢复上次的会话吗？</translation>
    </message>
    <message>
        <source>An AttnScope window did not close normally (%1, %2). Restore the work it saved automatically?
No deletes that copy.</source>
        <translation>有一个 AttnScope 窗口没有正常关闭（%1，%2）。要恢复它自动保存的工作吗？
选“否”会删除那份副本。</translation>
    </message>
    <message>
        <source>%1
The copy is kept as %2.</source>
        <translation>%1
副本保留为 %2。</translation>
    </message>
    <message>
        <source>Open &amp;Session…</source>
        <translation>打开会话(&amp;S)…</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <source>AttnScope sessions (*.attnscope)</source>
        <translation>AttnScope 会话 (*.attnscope)</translation>
    </message>
    <message>
        <source>Restore a saved window: inputs, parameters, stage, selection and view</source>
        <translation>恢复保存的窗口：输入、参数、阶段、选择和视图</translation>
    </message>
    <message>
        <source>&amp;Save Session</source>
        <translation>保存会话(&amp;S)</translation>
    </message>
    <message>
        <source>Save Session &amp;As…</source>
        <translation>会话另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>window.page &quot;%1&quot; is not a tab of this version; showing %2</source>
        <translation>window.page &quot;%1&quot; is not a tab of this version; showing %2</translation>
    </message>
    <message>
        <source>the session names no input file</source>
        <translation>the session names no input file</translation>
    </message>
    <message>
        <source>The second input %1 cannot be opened: %2</source>
        <translation>无法打开第二个输入 %1：%2</translation>
    </message>
    <message>
        <source>The bundle cannot be shown over %1: %2</source>
        <translation>无法在 %1 上显示注意力包：%2</translation>
    </message>
    <message>
        <source>%1 cannot be used: %2</source>
        <translation>无法使用 %1：%2</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>untitled.attnscope</source>
        <translation>untitled.attnscope</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source> — using the copy saved in the session</source>
        <translation> —— 使用会话中保存的副本</translation>
    </message>
    <message>
        <source>%1[*] — AttnScope</source>
        <translation>%1[*] —— AttnScope</translation>
    </message>
    <message>
        <source>Presenter</source>
        <translation>演示工具栏</translation>
    </message>
    <message>
        <source>&amp;Numbers in cells</source>
        <translation>在单元格中显示数值(&amp;N)</translation>
    </message>
    <message>
        <source>Write each cell&apos;s value in it when the cells are large enough to read</source>
        <translation>单元格大到足以看清时，在每个单元格中写出它的数值</translation>
    </message>
    <message>
        <source>&amp;Weights colour scale</source>
        <translation>权重的色标(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Per view (each view&apos;s own range)</source>
        <translation>按视图(&amp;P)（各视图自己的范围）</translation>
    </message>
    <message>
        <source>&amp;Fixed 0–1 (comparable across views)</source>
        <translation>固定 0–1(&amp;F)（可在视图之间比较）</translation>
    </message>
    <message>
        <source>&amp;Lesson: attention step by step</source>
        <translation>课程：一步一步认识注意力(&amp;L)</translation>
    </message>
    <message>
        <source>A guided lesson in about ten steps, from Q, K and V to attention over an image; it starts where it was left</source>
        <translation>约十步的引导课程，从 Q、K、V 讲到图像上的注意力；从上次离开的地方继续</translation>
    </message>
    <message>
        <source>The lesson has steps 1 to %1, not %2.</source>
        <translation>The lesson has steps 1 to %1, not %2.</translation>
    </message>
    <message>
        <source>&amp;Presenter mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Full screen, large text and high contrast for a projector (F5; Esc or F5 leaves)</source>
        <translation>全屏、大字、高对比度，适合投影仪（F5；按 Esc 或 F5 退出）</translation>
    </message>
    <message>
        <source>&amp;High contrast</source>
        <translation>高对比度(&amp;H)</translation>
    </message>
    <message>
        <source>Black on white, bolder text, thicker selection outlines</source>
        <translation>白底黑字，文字更粗，选择框的线条更粗</translation>
    </message>
    <message>
        <source>P&amp;lay / Pause</source>
        <translation>播放 / 暂停(&amp;L)</translation>
    </message>
    <message>
        <source>Step through the stages, then add up the selected row&apos;s output term by term (Space)</source>
        <translation>逐个阶段播放，然后把所选行的输出逐项相加（空格键）</translation>
    </message>
    <message>
        <source>&amp;Blank screen</source>
        <translation>黑屏(&amp;B)</translation>
    </message>
    <message>
        <source>A black screen (B or .); any key or click brings the window back</source>
        <translation>显示黑屏（B 或 .）；按任意键或点击即可恢复窗口</translation>
    </message>
    <message>
        <source>Step &amp;forward</source>
        <translation>前进一步(&amp;F)</translation>
    </message>
    <message>
        <source>Step bac&amp;k</source>
        <translation>后退一步(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Threads…</source>
        <translation>线程数(&amp;T)…</translation>
    </message>
    <message>
        <source>How many threads compute attention and models; the results do not depend on it</source>
        <translation>用多少个线程计算注意力和模型；结果与线程数无关</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <source>How many threads compute (0: every core, %1 here). Now: %2.</source>
        <translation>用多少个线程计算（0：全部核心，本机 %1 个）。当前：%2。</translation>
    </message>
    <message>
        <source>Threads: %1</source>
        <translation>线程数：%1</translation>
    </message>
</context>
<context>
    <name>attnscope::ModelRunner</name>
    <message>
        <source>%1 · %2, %3 layers × %4 heads, %5 M parameters</source>
        <translation>%1 · %2，%3 层 × %4 个头，%5 M 参数</translation>
    </message>
    <message>
        <source>Not enough memory to run the model on this input; the previous result stays shown.</source>
        <translation>Not enough memory to run the model on this input; the previous result stays shown.</translation>
    </message>
</context>
<context>
    <name>attnscope::ModelView</name>
    <message>
        <source>one scale for all heads</source>
        <translation>所有头共用一个色标</translation>
    </message>
    <message>
        <source>each head its own scale</source>
        <translation>每个头各用自己的色标</translation>
    </message>
    <message>
        <source>One colour scale shared by every head shows which heads are strong; a scale per head shows each head&apos;s pattern from its own minimum to its own maximum</source>
        <translation>所有头共用一个色标，可以看出哪些头较强；每个头各用一个色标，则按每个头自己的最小值到最大值显示它的模式</translation>
    </message>
    <message>
        <source>no summary</source>
        <translation>无汇总指标</translation>
    </message>
    <message>
        <source>A strip under each head coloured by this summary, and the most notable tenth of the heads framed in orange</source>
        <translation>每个头下方显示一条按此汇总指标着色的色条，最显著的十分之一的头用橙色边框标出</translation>
    </message>
    <message>
        <source>head number</source>
        <translation>头编号</translation>
    </message>
    <message>
        <source>Order the heads of each layer by this summary, most notable first (lowest entropy, highest attention otherwise); each cell then shows its head number</source>
        <translation>按此汇总指标对每一层的头排序，最显著的在前（熵取最低，其余取注意力最高）；此时每个格子显示其头编号</translation>
    </message>
    <message>
        <source>Size of each head&apos;s picture, in pixels (also ctrl + wheel over the grid)</source>
        <translation>每个头的图片大小，以像素为单位（也可在网格上按住 Ctrl 滚动滚轮）</translation>
    </message>
    <message>
        <source>Colours</source>
        <translation>颜色</translation>
    </message>
    <message>
        <source>Colour by</source>
        <translation>着色依据</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>排序依据</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>Entropy (bits)</source>
        <translation>熵（比特）</translation>
    </message>
    <message>
        <source>Special</source>
        <translation>特殊词元</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>前一个</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>后一个</translation>
    </message>
    <message>
        <source>Self</source>
        <translation>自身</translation>
    </message>
    <message>
        <source>Every head with its summaries: click a column to rank by it, double-click a head to open it in the heatmap</source>
        <translation>每个头及其汇总指标：点击某一列按它排序，双击某个头在热力图中打开它</translation>
    </message>
    <message>
        <source>framed: the most notable tenth (%1)</source>
        <translation>边框：最显著的十分之一（%1）</translation>
    </message>
    <message>
        <source>highest</source>
        <translation>最高</translation>
    </message>
    <message>
        <source>lowest</source>
        <translation>最低</translation>
    </message>
    <message>
        <source>layer %1, head %2</source>
        <translation>第 %1 层，头 %2</translation>
    </message>
    <message>
        <source>: query %1%2 → key %3%4: %5</source>
        <translation>：查询 %1%2 → 键 %3%4：%5</translation>
    </message>
    <message>
        <source>   (entropy %1 bits, special %2, previous %3, next %4, self %5)</source>
        <translation>   （熵 %1 比特，特殊词元 %2，前一个 %3，后一个 %4，自身 %5）</translation>
    </message>
</context>
<context>
    <name>attnscope::NeuronCanvas</name>
    <message>
        <source>q and k (%1 dims)</source>
        <translation>q 和 k（%1 维）</translation>
    </message>
    <message>
        <source>q ⊙ k</source>
        <translation>q ⊙ k</translation>
    </message>
    <message>
        <source>q · k</source>
        <translation>q · k</translation>
    </message>
    <message>
        <source>÷ √%1</source>
        <translation>÷ √%1</translation>
    </message>
    <message>
        <source>softmax</source>
        <translation>softmax</translation>
    </message>
</context>
<context>
    <name>attnscope::NeuronView</name>
    <message>
        <source>Nothing to show.</source>
        <translation>没有可显示的内容。</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; — scores q·k scaled by 1/√d = 1/√%2 = %3, then softmax across the keys%4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; —— 分数 q·k 按 1/√d = 1/√%2 = %3 缩放，再在各键上做 softmax%4</translation>
    </message>
    <message>
        <source>; hatched keys are masked (causal or sliding window)</source>
        <translation>；带斜线的键已被屏蔽（因果或滑动窗口）</translation>
    </message>
    <message>
        <source>Hover a cell for its value.</source>
        <translation>将鼠标悬停在格子上查看其数值。</translation>
    </message>
    <message>
        <source>q[%1] = %2</source>
        <translation>q[%1] = %2</translation>
    </message>
    <message>
        <source>k[%1] of key %2 “%3” = %4</source>
        <translation>键 %2“%3”的 k[%1] = %4</translation>
    </message>
    <message>
        <source>q[%1] · k[%1] of key %2 “%3” = %4</source>
        <translation>键 %2“%3”的 q[%1] · k[%1] = %4</translation>
    </message>
    <message>
        <source>q · k of key %1 “%2” = %3</source>
        <translation>键 %1“%2”的 q · k = %3</translation>
    </message>
    <message>
        <source>q · k / √d of key %1 “%2” = %3</source>
        <translation>键 %1“%2”的 q · k / √d = %3</translation>
    </message>
    <message>
        <source>softmax weight of key %1 “%2” = %3</source>
        <translation>键 %1“%2”的 softmax 权重 = %3</translation>
    </message>
    <message>
        <source>%1 (masked)</source>
        <translation>%1（已屏蔽）</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; — scores q·k scaled by %2 (× %3), then softmax across the keys%4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — 分数 q·k 乘以缩放 %2（× %3），再对所有键做 softmax%4</translation>
    </message>
    <message>
        <source>; hatched keys are masked</source>
        <translation>；带斜线的键已被掩码</translation>
    </message>
    <message>
        <source>scaled q · k of key %1 “%2” = %3</source>
        <translation>键 %1 “%2” 的缩放 q · k = %3</translation>
    </message>
</context>
<context>
    <name>attnscope::OpenModelDialog</name>
    <message>
        <source>Open Model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Filter by name or type</source>
        <translation>按名称或类型筛选</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Browse for a folder…</source>
        <translation>浏览文件夹…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>No models in the Hugging Face cache.</source>
        <translation>Hugging Face 缓存中没有模型。</translation>
    </message>
    <message>
        <source>Models in the Hugging Face cache (%1):</source>
        <translation>Hugging Face 缓存中的模型（%1）：</translation>
    </message>
    <message>
        <source>&lt;p&gt;AttnScope looked in &lt;b&gt;%1&lt;/b&gt; (set &lt;tt&gt;HF_HUB_CACHE&lt;/tt&gt; or &lt;tt&gt;HF_HOME&lt;/tt&gt; to look elsewhere) and found no model there.&lt;/p&gt;&lt;p&gt;To get one, download it with the Hugging Face command line:&lt;br&gt;&lt;tt&gt;huggingface-cli download gpt2 --include &quot;*.json&quot; &quot;*.safetensors&quot; &quot;*.txt&quot;&lt;/tt&gt;&lt;br&gt;or clone it: &lt;tt&gt;git clone https://huggingface.co/gpt2&lt;/tt&gt; (with git-lfs), then choose &lt;b&gt;Browse for a folder…&lt;/b&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;AttnScope 在 &lt;b&gt;%1&lt;/b&gt; 中查找过（设置 &lt;tt&gt;HF_HUB_CACHE&lt;/tt&gt; 或 &lt;tt&gt;HF_HOME&lt;/tt&gt; 可改到别处查找），没有找到模型。&lt;/p&gt;&lt;p&gt;要获取模型，可以用 Hugging Face 命令行下载：&lt;br&gt;&lt;tt&gt;huggingface-cli download gpt2 --include &quot;*.json&quot; &quot;*.safetensors&quot; &quot;*.txt&quot;&lt;/tt&gt;&lt;br&gt;或者克隆：&lt;tt&gt;git clone https://huggingface.co/gpt2&lt;/tt&gt;（需要 git-lfs），然后选择&lt;b&gt;浏览文件夹…&lt;/b&gt;。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Cannot be opened: %1</source>
        <translation>无法打开：%1</translation>
    </message>
    <message>
        <source>Open a model folder</source>
        <translation>打开模型文件夹</translation>
    </message>
</context>
<context>
    <name>attnscope::OverviewView</name>
    <message>
        <source>attention received, Σ over queries (largest in view %1)</source>
        <translation>得到的注意力，对查询求和（视图中最大 %1）</translation>
    </message>
    <message>
        <source>entropy
0 … %1 bits</source>
        <translation>熵
0 … %1 比特</translation>
    </message>
    <message>
        <source>key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>query</source>
        <translation>查询</translation>
    </message>
</context>
<context>
    <name>attnscope::Page</name>
    <message>
        <source>this tab has no picture to export</source>
        <translation>this tab has no picture to export</translation>
    </message>
    <message>
        <source>this tab has no data to export</source>
        <translation>this tab has no data to export</translation>
    </message>
</context>
<context>
    <name>attnscope::ScaleComparisonView</name>
    <message>
        <source>d&lt;sub&gt;k&lt;/sub&gt; (head size):</source>
        <translation>d&lt;sub&gt;k&lt;/sub&gt;（每个头的维度）：</translation>
    </message>
    <message>
        <source>The head size the scores are shown for: they grow like √d_k (the vectors&apos; products add up), which 1/√d_k undoes and 1/d_k overdoes</source>
        <translation>显示分数时所用的头维度：分数随 √d_k 增长（向量各分量的乘积累加起来），1/√d_k 正好抵消这种增长，1/d_k 则抵消过头</translation>
    </message>
    <message>
        <source>1/√d_k</source>
        <translation>1/√d_k</translation>
    </message>
    <message>
        <source>1/d_k</source>
        <translation>1/d_k</translation>
    </message>
    <message>
        <source>no scaling</source>
        <translation>不缩放</translation>
    </message>
    <message>
        <source>custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>%1 (σ = %2)</source>
        <translation>%1（σ = %2）</translation>
    </message>
    <message>
        <source>entropy, %1 (bits)</source>
        <translation>熵，%1（比特）</translation>
    </message>
    <message>
        <source>The same scores S = QKᵀ at d&lt;sub&gt;k&lt;/sub&gt; = %1 (×%2 the head&apos;s own, as scores grow like √d&lt;sub&gt;k&lt;/sub&gt;), softmaxed under three scalings on one colour scale 0–1. A uniform row has %3 bits; a one-hot row 0.</source>
        <translation>同一组分数 S = QKᵀ，取 d&lt;sub&gt;k&lt;/sub&gt; = %1（分数随 √d&lt;sub&gt;k&lt;/sub&gt; 增长，因此是该头自身分数的 ×%2），在三种缩放下分别做 softmax，用同一个 0–1 色标显示。均匀的一行熵为 %3 比特；独热（one-hot）的一行为 0。</translation>
    </message>
</context>
<context>
    <name>attnscope::StageStepper</name>
    <message>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Q, K, V</source>
        <translation>Q、K、V</translation>
    </message>
    <message>
        <source>Scores QKᵀ</source>
        <translation>分数 QKᵀ</translation>
    </message>
    <message>
        <source>Scaled</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Masked</source>
        <translation>掩码</translation>
    </message>
    <message>
        <source>Softmax weights</source>
        <translation>Softmax 权重</translation>
    </message>
    <message>
        <source>Output A·V</source>
        <translation>输出 A·V</translation>
    </message>
    <message>
        <source>◀ Back</source>
        <translation>◀ 上一步</translation>
    </message>
    <message>
        <source>Previous stage (Page Up, Alt+Left)</source>
        <translation>上一个阶段（Page Up，Alt+←）</translation>
    </message>
    <message>
        <source>Show the %1 stage (%2)</source>
        <translation>显示“%1”阶段（%2）</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一步 ▶</translation>
    </message>
    <message>
        <source>Next stage (Page Down, Alt+Right)</source>
        <translation>下一个阶段（Page Down，Alt+→）</translation>
    </message>
    <message>
        <source>Q K V</source>
        <translation>Q K V</translation>
    </message>
    <message>
        <source>Scores</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
</context>
<context>
    <name>attnscope::StoryPanel</name>
    <message>
        <source>File → Examples → The animal and the street opens the story: every word described by a few features, with Wq, Wk and Wv chosen by hand. Edit a feature and watch the pronoun look elsewhere.</source>
        <translation>“文件 → 示例 → 动物与马路”会打开这个故事：每个词用几个特征来描述，Wq、Wk 和 Wv 都是手工选定的。修改一个特征，看看代词转而关注哪里。</translation>
    </message>
    <message>
        <source>Each word&apos;s features (1 = yes, 0 = no; position runs from 0 to 1). Q = X·Wq, K = X·Wk and V = X·Wv are recomputed from this table as you edit it.</source>
        <translation>每个词的特征（1 = 是，0 = 否；位置从 0 到 1）。编辑此表时，Q = X·Wq、K = X·Wk 和 V = X·Wv 会随之重新计算。</translation>
    </message>
    <message>
        <source>&amp;Reset the story</source>
        <translation>重置故事(&amp;R)</translation>
    </message>
    <message>
        <source>Restore the story&apos;s original features</source>
        <translation>恢复故事原来的特征</translation>
    </message>
</context>
<context>
    <name>attnscope::StoryTableModel</name>
    <message>
        <source>noun</source>
        <translation>名词</translation>
    </message>
    <message>
        <source>animate</source>
        <translation>有生命</translation>
    </message>
    <message>
        <source>place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>pronoun</source>
        <translation>代词</translation>
    </message>
    <message>
        <source>verb</source>
        <translation>动词</translation>
    </message>
    <message>
        <source>position</source>
        <translation>位置</translation>
    </message>
</context>
<context>
    <name>attnscope::TokenMapStrip</name>
    <message>
        <source>Where “%1” looks in the image: its attention over the patches. Click to show it large.</source>
        <translation>“%1”在图像中关注哪里：它在各图块上的注意力。点击放大显示。</translation>
    </message>
</context>
<context>
    <name>attnscope::TokenStrip</name>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; attends to: </source>
        <translation>&lt;b&gt;%1&lt;/b&gt; 关注：</translation>
    </message>
</context>
<context>
    <name>attnscope::WhatIfPanel</name>
    <message>
        <source>Edit one token&apos;s query or key vector by hand: the scores, the softmax and the output follow.</source>
        <translation>手动编辑一个词元的查询向量或键向量：分数、softmax 和输出随之改变。</translation>
    </message>
    <message>
        <source>Query (a row of Q)</source>
        <translation>查询（Q 的一行）</translation>
    </message>
    <message>
        <source>Key (a row of K)</source>
        <translation>键（K 的一行）</translation>
    </message>
    <message>
        <source>&amp;Vector</source>
        <translation>向量(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Token</source>
        <translation>词元(&amp;T)</translation>
    </message>
    <message>
        <source>The vector&apos;s numbers, one per dimension of d_k; type a number to replace one</source>
        <translation>向量的各个数值，d_k 的每一维一个；输入一个数即可替换其中之一</translation>
    </message>
    <message>
        <source>Reset: &amp;all vectors as computed</source>
        <translation>重置：所有向量恢复为计算值(&amp;A)</translation>
    </message>
    <message>
        <source>q(%1), head %2</source>
        <translation>q(%1)，头 %2</translation>
    </message>
    <message>
        <source>k(%1), head %2</source>
        <translation>k(%1)，头 %2</translation>
    </message>
    <message>
        <source>No vector edited.</source>
        <translation>没有编辑任何向量。</translation>
    </message>
    <message>
        <source>Edited by hand: %1</source>
        <translation>已手动编辑：%1</translation>
    </message>
</context>
</TS>
