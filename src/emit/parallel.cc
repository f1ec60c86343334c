// The --parallel section of the table and the `parallel` object of the JSON report (docs/parallel.md,
// docs/json.md): what analysis::analyze_parallel computed, formatted.
#include "emit/parallel.h"

#include "emit/emit.h"

namespace nnscope::emit::detail {
namespace {

std::string plan_text(const analysis::ParallelPlan& plan) {
  std::string text =
      "tp=" + sym::to_string(plan.tp) + ", pp=" + sym::to_string(plan.pp) + ", dp=" + sym::to_string(plan.dp);
  if (plan.sp) text += ", sp";
  if (plan.ep > 1) text += ", ep=" + sym::to_string(plan.ep);
  text += ", zero=" + std::to_string(plan.zero) + ", recompute=" + analysis::recompute_name(plan.recompute);
  return text;
}

std::string seconds_text(double s) {
  if (s >= 86400) return decimal(s / 86400, 2) + " days";
  if (s >= 1) return decimal(s, 3) + " s";
  return decimal(s * 1e3, 3) + " ms";
}

std::string bytes_text(double bytes) {
  return decimal(bytes / 1e9, 3) + " GB";  // decimal: communication is quoted in GB and GB/s
}

}  // namespace

void append_parallel(std::string& out, const analysis::Parallel& p) {
  constexpr std::size_t kLabel = 28;
  auto line = [&](const std::string& label, const std::string& text) {
    out += pad_right("  " + label, kLabel) + text + "\n";
  };
  auto bytes_line = [&](const std::string& label, sym::Int value, const std::string& note = "") {
    line(label, pad_left(thousands(value), 22) + "   " +
                    (note.empty() ? human_bytes(value) : pad_right(human_bytes(value), 12) + note));
  };
  const analysis::ParallelPlan& plan = p.plan;
  out += "\nParallel plan " + plan_text(plan) + " on " + p.hardware + " (" + thousands(plan.devices()) + " devices)\n";
  line("Batches", "micro-batch " + thousands(p.microbatch) + ", " + thousands(p.microbatches) +
                      " micro-batches per replica, global batch " + thousands(p.global_batch) + " (" +
                      thousands(static_cast<sym::Int>(p.tokens_per_step)) + " tokens)");
  if (p.stack.count > 0) {
    line("Transformer layers", thousands(p.stack.count) + " (" + p.stack.first_prefix + ", ...), " +
                                   thousands(p.layers_per_stage) + " per stage; s=" + thousands(p.stack.seq) +
                                   " b=" + thousands(p.stack.batch) + " h=" + thousands(p.stack.hidden) +
                                   " a=" + thousands(p.stack.heads));
  }
  out += "Per device (the most loaded pipeline stage)\n";
  line("Parameters", pad_left(thousands(p.states.params), 22) + "   " + human_count(p.states.params, "params"));
  bytes_line("Weights", p.states.weight_bytes);
  bytes_line("Gradients", p.states.gradient_bytes);
  bytes_line("fp32 master weights", p.states.master_weight_bytes);
  bytes_line("Optimizer state", p.states.optimizer_bytes);
  bytes_line("Model states", p.states.total_bytes, "ZeRO stage " + std::to_string(plan.zero));
  if (p.stack.count > 0) {
    bytes_line("Activations / layer", p.measured_layer_bytes, "nnscope's backward, one micro-batch");
    bytes_line("  Korthikanti (fp16)", p.korthikanti_layer_bytes, "the published formula, same plan");
    bytes_line("  unsplit (nnscope)", p.measured.total, "no parallelism, no recomputation");
    bytes_line("  unsplit (Korthikanti)", p.korthikanti_layer_bytes_unsplit, "s·b·h·(34 + 5·a·s/h)");
  }
  bytes_line("Activations", p.activation_bytes,
             p.stack.count > 0 ? thousands(p.layers_per_stage) + " layers × " + thousands(p.in_flight) +
                                     " micro-batches in flight (1F1B) + " + human_bytes(p.outside_activation_bytes) +
                                     " outside the layers"
                               : "the whole model's saved activations");
  bytes_line("Memory", p.device_memory_bytes, "model states + activations");
  line("Pipeline bubble", decimal(100 * p.bubble_fraction, 2) + "% of the compute ((p - 1)/m)");
  if (!p.communication.empty()) {
    out += "Communication per step (what each device sends)\n";
    for (const analysis::CommunicationKind& c : p.communication) {
      out += "  " + pad_right(c.kind, 36) + pad_right(c.link + ", " + thousands(c.group) + " devices", 24) +
             pad_left(bytes_text(c.bytes), 14) + pad_left(seconds_text(c.time_s), 14) + ", exposed " +
             seconds_text(c.exposed_s) + "\n";
    }
  }
  out += "Step time\n";
  line("Compute",
       seconds_text(p.compute_s) + (p.recompute_s > 0 ? " (recomputation " + seconds_text(p.recompute_s) + ")" : ""));
  line("Pipeline bubble", seconds_text(p.bubble_s));
  line("Exposed communication", seconds_text(p.exposed_comm_s));
  line("Step", seconds_text(p.step_s) + ", MFU " + decimal(100 * p.mfu, 2) + "%");
  if (plan.tokens > 0) {
    line("Time to train", seconds_text(p.train_time_s) + " for " + human_count(plan.tokens, "tokens") +
                              " (at the matrix peak alone, 8·T·P/(n·X)-style: " + seconds_text(p.ideal_train_time_s) +
                              ")");
  }
  for (const std::string& note : p.notes) out += "  * " + note + "\n";
}

void write_parallel(JsonWriter& json, const analysis::Parallel& p) {
  const analysis::ParallelPlan& plan = p.plan;
  json.begin_object();
  json.key("plan").begin_object(true);
  json.key("tp").integer(plan.tp);
  json.key("pp").integer(plan.pp);
  json.key("dp").integer(plan.dp);
  json.key("ep").integer(plan.ep);
  json.key("sp").boolean(plan.sp);
  json.key("zero").integer(plan.zero);
  json.key("recompute").string(analysis::recompute_name(plan.recompute));
  json.key("devices").integer(plan.devices());
  json.end_object();
  json.key("hardware").string(p.hardware);
  json.key("microbatch").integer(p.microbatch);
  json.key("microbatches").integer(p.microbatches);
  json.key("global_batch").integer(p.global_batch);
  json.key("tokens_per_step").number(p.tokens_per_step, 0);
  json.key("layers").integer(p.stack.count);
  json.key("layers_per_stage").integer(p.layers_per_stage);
  json.key("per_device").begin_object();
  json.key("params").integer(p.states.params);
  json.key("weight_bytes").integer(p.states.weight_bytes);
  json.key("gradient_bytes").integer(p.states.gradient_bytes);
  json.key("master_weight_bytes").integer(p.states.master_weight_bytes);
  json.key("optimizer_bytes").integer(p.states.optimizer_bytes);
  json.key("model_state_bytes").integer(p.states.total_bytes);
  json.key("activation_bytes_per_layer").integer(p.measured_layer_bytes);
  json.key("korthikanti_bytes_per_layer").integer(p.korthikanti_layer_bytes);
  json.key("unsplit_activation_bytes_per_layer").integer(p.measured.total);
  json.key("unsplit_korthikanti_bytes_per_layer").integer(p.korthikanti_layer_bytes_unsplit);
  json.key("micro_batches_in_flight").integer(p.in_flight);
  json.key("outside_layer_activation_bytes").integer(p.outside_activation_bytes);
  json.key("activation_bytes").integer(p.activation_bytes);
  json.key("memory_bytes").integer(p.device_memory_bytes);
  json.end_object();
  json.key("bubble_fraction").number(p.bubble_fraction);
  json.key("communication").begin_array();
  for (const analysis::CommunicationKind& c : p.communication) {
    json.begin_object(true);
    json.key("kind").string(c.kind);
    json.key("link").string(c.link);
    json.key("group").integer(c.group);
    json.key("bytes").number(c.bytes, 0);
    json.key("time_s").number(c.time_s, 9);
    json.key("exposed_s").number(c.exposed_s, 9);
    json.end_object();
  }
  json.end_array();
  json.key("compute_s").number(p.compute_s, 9);
  json.key("recompute_s").number(p.recompute_s, 9);
  json.key("bubble_s").number(p.bubble_s, 9);
  json.key("exposed_comm_s").number(p.exposed_comm_s, 9);
  json.key("step_s").number(p.step_s, 9);
  json.key("model_flops_per_step").number(p.model_flops, 0);
  json.key("mfu").number(p.mfu);
  if (plan.tokens > 0) {
    json.key("tokens").integer(plan.tokens);
    json.key("train_time_s").number(p.train_time_s, 3);
    json.key("ideal_train_time_s").number(p.ideal_train_time_s, 3);
  }
  json.key("notes").begin_array();
  for (const std::string& note : p.notes) json.string(note);
  json.end_array();
  json.end_object();
}

}  // namespace nnscope::emit::detail
