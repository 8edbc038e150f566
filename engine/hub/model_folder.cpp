#include "model_folder.h"

#include <QImageReader>
#include <QString>

#include "image_patches.h"

namespace attnscope {

Result<ModelFolder> openModelFolder(const std::string &dir, const ModelLoadOptions &options)
{
    ModelFolder f;
    auto model = TransformerModel::load(dir, options);
    if (!model)
        return model.error();
    f.model = std::move(model.value());
    if (f.model->info().image) {
        auto processor = loadImageProcessor(dir);
        if (!processor)
            return processor.error();
        f.processor = std::make_shared<const HfImageProcessor>(std::move(processor.value()));
        return f;
    }
    auto tokenizer = HfTokenizer::load(dir, options.memoryBudget);
    if (!tokenizer)
        return tokenizer.error();
    f.tokenizer = std::move(tokenizer.value());
    return f;
}

Result<AttentionBundle> runModelOnText(const ModelFolder &folder, const std::string &text, bool addSpecialTokens,
                                       const ModelRunOptions &options)
{
    const ModelInfo &info = folder.model->info();
    if (!folder.tokenizer)
        return makeError(Error::Code::BadArgument,
                         info.dir + ": " + info.type + " is an image model; give it an image, not text");
    auto enc = folder.tokenizer->encode(text, addSpecialTokens);
    if (!enc)
        return enc.error();
    if (enc->ids.empty())
        return makeError(Error::Code::BadArgument, "the text gives no tokens: there is nothing for " + info.name + " to attend to");
    if (info.maxPositions > 0 && std::int64_t(enc->ids.size()) > info.maxPositions)
        return makeError(Error::Code::BadArgument, "the text is " + std::to_string(enc->ids.size()) + " tokens, longer than the " +
                                                       std::to_string(info.maxPositions) + " positions of " + info.name);
    auto bundle = folder.model->runTokens(enc->ids, options);
    if (!bundle)
        return bundle.error();
    bundle->tokens = enc->tokens;
    bundle->keyTokens = enc->tokens;
    return bundle;
}

Result<AttentionBundle> runModelOnImageFile(const ModelFolder &folder, const std::string &path,
                                            const ModelRunOptions &options)
{
    const ModelInfo &info = folder.model->info();
    if (!folder.processor)
        return makeError(Error::Code::BadArgument, info.dir + ": " + info.type + " is a text model; give it text, not an image");
    auto image = loadImage(path);
    if (!image)
        return image.error();
    auto pixels = preprocessImage(*image, *folder.processor, info.imageSize);
    if (!pixels)
        return makeError(pixels.error().code, path + ": " + pixels.error().message);
    auto bundle = folder.model->runPixels(*pixels, options);
    if (!bundle)
        return bundle.error();
    bundle->path = path;
    return bundle;
}

} // namespace attnscope
