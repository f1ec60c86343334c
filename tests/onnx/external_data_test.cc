// Tensors whose data lives in other files (data_location = EXTERNAL, how every model over 2 GB is saved):
// weights need only their dims, so their files are never opened (here they do not exist); a small constant
// whose values a rule needs is read from its file at its offset, and a missing file is an error naming the
// node, the tensor and the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/run_util.h"
#include "onnx/onnx_builder.h"

namespace nnscope::testing {
namespace {

// A directory holding `model.onnx` (and the data files a test writes next to it).
struct ModelDir {
  ModelDir() : path(temp_path("external")) { std::filesystem::create_directories(path); }
  ~ModelDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path + "/" + name, std::ios::binary) << bytes;
    return path + "/" + name;
  }
  std::string path;
};

// x [batch, 64] -> Linear(64, 32) with weight and bias in `weights.bin` -> Reshape to `target`.
OnnxGraph projection(const std::string& target_tensor) {
  OnnxGraph g;
  g.input("x", onnx::kFloat, {"batch", 64});
  g.initializer(external_tensor_proto("w", onnx::kFloat, {32, 64}, "weights.bin", 0, 32 * 64 * 4));
  g.initializer(external_tensor_proto("b", onnx::kFloat, {32}, "weights.bin", 32 * 64 * 4, 32 * 4));
  g.initializer(target_tensor);
  g.node("Gemm", {"x", "w", "b"}, {"h"}, {int_attr("transB", 1)}, "/fc/Gemm");
  g.node("Reshape", {"h", "target"}, {"y"}, {}, "/view/Reshape").output("y");
  return g;
}

std::string little_endian_int64s(const std::vector<std::int64_t>& values) {
  std::string bytes;
  for (std::int64_t v : values) {
    for (int k = 0; k < 8; ++k) bytes += static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * k)) & 0xff);
  }
  return bytes;
}

TEST(OnnxExternalData, WeightsNeedOnlyTheirDims) {
  ModelDir dir;  // weights.bin is never written
  std::string model = dir.write("model.onnx", projection(tensor_proto("target", onnx::kInt64, {3}, {0, 4, 8})).model());
  CommandResult r = run_nnscope("analyze '" + model + "' --set batch=2 --format summary-long");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("total,params,,2080,"), std::string::npos) << r.out;     // 32·64 + 32
  EXPECT_NE(r.out.find("total,gemm_macs,,4096,"), std::string::npos) << r.out;  // 2·64·32
}

TEST(OnnxExternalData, AConstantsValuesAreReadFromItsFile) {
  ModelDir dir;
  dir.write("shape.bin", std::string(16, '\0') + little_endian_int64s({0, 4, 8}));  // at offset 16
  std::string model = dir.write(
      "model.onnx", projection(external_tensor_proto("target", onnx::kInt64, {3}, "shape.bin", 16, 24)).model());
  CommandResult imported = run_nnscope("import '" + model + "'");
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_NE(imported.out.find("reshape(h, [dim(h, 0), 4, 8])"), std::string::npos) << imported.out;
}

TEST(OnnxExternalData, AMissingOrOutsideFileNamesTheNodeTensorAndFile) {
  ModelDir dir;
  std::string model =
      dir.write("model.onnx", projection(external_tensor_proto("target", onnx::kInt64, {3}, "shape.bin")).model());
  CommandResult r = run_nnscope("analyze '" + model + "'");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("model.onnx: node 1 '/view/Reshape' (Reshape): tensor 'target' keeps its values in external "
                       "data, needed here: cannot read '" +
                       dir.path + "/shape.bin': No such file or directory"),
            std::string::npos)
      << r.err;
  std::string outside = dir.write(
      "outside.onnx", projection(external_tensor_proto("target", onnx::kInt64, {3}, "../../etc/passwd")).model());
  r = run_nnscope("analyze '" + outside + "'");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("which is not a path inside the model's directory"), std::string::npos) << r.err;
  // A file shorter than offset + length.
  dir.write("short.bin", std::string(8, '\0'));
  std::string short_model =
      dir.write("short.onnx", projection(external_tensor_proto("target", onnx::kInt64, {3}, "short.bin")).model());
  r = run_nnscope("analyze '" + short_model + "'");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("it has 8 bytes, fewer than offset 0 + length 24"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nnscope::testing
