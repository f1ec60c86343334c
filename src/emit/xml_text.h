#pragma once
// Text from a model (names, paths, labels) as XML or HTML character data, for the workbook and the HTML report:
// one escaper, so that text from an input never becomes markup or a control sequence in either.
#include <string>
#include <string_view>

namespace nnscope::emit {

// Appends `text` as character data, safe in element content and in quoted attribute values: & < > " ' escaped;
// control characters removed (XML 1.0 cannot hold most of them, and neither a cell nor a label has a use for
// them); bytes that are not UTF-8, and the code points XML forbids, become U+FFFD.
void append_xml_text(std::string& out, std::string_view text);
std::string xml_text(std::string_view text);

}  // namespace nnscope::emit
