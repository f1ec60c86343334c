// libFuzzer target: the ONNX protobuf decoder and importer on arbitrary bytes, then the generated .nn text
// through the loader. Any crash, hang, leak or sanitizer report is a bug; ProtobufError/ImportError are the
// expected answers to bad input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "interp/program.h"
#include "onnx/importer.h"
#include "onnx/onnx_model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    nnscope::onnx::Model model = nnscope::onnx::decode_model(bytes);
    std::string text = nnscope::onnx::import_model(model, "fuzz", "fuzz.onnx");
    auto program = nnscope::interp::load_program_from_text("fuzz.nn", std::move(text));
    (void)program;
  } catch (const nnscope::onnx::ProtobufError&) {
  } catch (const nnscope::onnx::ImportError&) {
  }
  return 0;
}
