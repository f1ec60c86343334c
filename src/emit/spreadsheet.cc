#include "emit/spreadsheet.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "emit/format.h"
#include "emit/xml_text.h"
#include "emit/zip.h"

namespace nnscope::emit::spreadsheet {
namespace {

constexpr std::string_view kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr std::string_view kMainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr std::string_view kRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr std::string_view kPackageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr std::size_t kMinWidth = 6, kMaxWidth = 60;
constexpr std::string_view kBarColor = "FF5B9BD5";

std::string attribute_text(std::string_view text) {
  std::string out;
  append_xml_text(out, text);
  return out;
}

// Cuts `text` to at most kMaxCellText bytes at a character boundary, marking the cut: a cell holds no more
// characters than that, and a character takes at least one byte.
std::string_view cell_text(std::string_view text, std::string& buffer) {
  if (text.size() <= kMaxCellText) return text;
  std::size_t cut = kMaxCellText - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  buffer.assign(text.substr(0, cut));
  buffer += "…";
  return buffer;
}

std::string styles_xml() {
  std::string s(kXmlDeclaration);
  s += "<styleSheet xmlns=\"" + std::string(kMainNamespace) + "\">";
  s += "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"0.000E+00\"/></numFmts>";
  s += "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
       "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>";
  s += "<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill "
       "patternType=\"gray125\"/></fill><fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFD9D9D9\"/>"
       "<bgColor indexed=\"64\"/></patternFill></fill></fills>";
  s += "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>";
  s += "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>";
  // In the order of enum Style: text, header, integer (#,##0: built-in 3), decimal (#,##0.00: built-in 4),
  // seconds (164), block header.
  s += "<cellXfs count=\"6\">"
       "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
       "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\"/>"
       "<xf numFmtId=\"3\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
       "<xf numFmtId=\"4\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
       "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
       "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
       "</cellXfs>";
  s += "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>";
  s += "<dxfs count=\"0\"/><tableStyles count=\"0\"/></styleSheet>";
  return s;
}

}  // namespace

bool past_exact_doubles(sym::Int value) {
  constexpr sym::Int kLargestExact = sym::Int{1} << 53;
  return value > kLargestExact || value < -kLargestExact;
}

void add_columns(std::vector<SheetColumn>& columns, const IntegerFigure& figure) {
  columns.push_back({figure.key, Style::kInteger, true});
  if (figure.exact) columns.push_back({figure.key + "_exact", Style::kText, false});
  if (figure.bytes) columns.push_back({figure.key + "_mib", Style::kDecimal, false});
}

void write_cells(Sheet& sheet, const IntegerFigure& figure, sym::Int value) {
  sheet.integer(value);
  if (figure.exact) sheet.text(sym::to_string(value));
  if (figure.bytes) sheet.number(static_cast<double>(value) / 1048576.0, 6);
}

void skip_cells(Sheet& sheet, const IntegerFigure& figure) {
  sheet.empty();
  if (figure.exact) sheet.empty();
  if (figure.bytes) sheet.empty();
}

std::string column_letters(std::size_t column) {
  std::string letters;
  for (std::size_t n = column + 1; n > 0; n = (n - 1) / 26) letters.insert(letters.begin(), char('A' + (n - 1) % 26));
  return letters;
}

Sheet::Sheet(std::string name, std::vector<SheetColumn> columns)
    : name_(std::move(name)), columns_(std::move(columns)) {
  widths_.assign(columns_.size(), kMinWidth);
  begin_row();
  for (const SheetColumn& column : columns_) cell(column.header, Style::kHeader, true);
}

void Sheet::begin_row(int outline_level, bool block_header) {
  if (row_open_) rows_xml_ += "</row>";
  ++rows_;
  column_ = 0;
  row_open_ = true;
  block_row_ = block_header;
  int level = std::clamp(outline_level, 0, kMaxOutlineLevel);
  max_outline_ = std::max(max_outline_, level);
  rows_xml_ += "<row r=\"" + std::to_string(rows_) + "\"";
  if (level > 0) rows_xml_ += " outlineLevel=\"" + std::to_string(level) + "\"";
  rows_xml_ += ">";
}

void Sheet::cell(std::string_view value, Style style, bool is_text) {
  if (column_ >= columns_.size()) return;  // past the last column: a caller's bug, kept out of the file
  std::size_t width = is_text ? detail::display_width(value) : value.size() + value.size() / 3;
  widths_[column_] = std::min(kMaxWidth, std::max(widths_[column_], width + 2));
  rows_xml_ += "<c r=\"" + column_letters(column_) + std::to_string(rows_) + "\"";
  if (style != Style::kText) rows_xml_ += " s=\"" + std::to_string(static_cast<int>(style)) + "\"";
  if (is_text) {
    rows_xml_ += " t=\"inlineStr\"><is><t xml:space=\"preserve\">";
    append_xml_text(rows_xml_, value);
    rows_xml_ += "</t></is></c>";
  } else {
    rows_xml_ += "><v>";
    rows_xml_ += value;
    rows_xml_ += "</v></c>";
  }
  ++column_;
}

void Sheet::text(std::string_view value) {
  if (value.empty()) return empty();
  std::string buffer;
  cell(cell_text(value, buffer), block_row_ ? Style::kBlock : Style::kText, true);
}

Style Sheet::column_style(Style if_text) const {
  Style style = column_ < columns_.size() ? columns_[column_].style : Style::kText;
  return style == Style::kText ? if_text : style;
}

void Sheet::integer(sym::Int value) { integer(value, column_style(Style::kInteger)); }

void Sheet::integer(sym::Int value, Style style) {
  // Past 2^53 the cell holds the nearest double, written as one (1.2089258196146292e+24, with an exponent so no reader
  // takes it for an exact integer), so that every reader, not only those that parse big integers, sees the same number
  // a spreadsheet computes with.
  if (past_exact_doubles(value)) return approximate(static_cast<double>(value), style);
  cell(sym::to_string(value), style, false);
}

void Sheet::number(double value, int decimals) { number(value, decimals, column_style(Style::kDecimal)); }

void Sheet::number(double value, int decimals, Style style) {
  cell(detail::decimal(std::isfinite(value) ? value : 0.0, decimals), style, false);
}

void Sheet::approximate(double value, Style style) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.16e", std::isfinite(value) ? value : 0.0);
  cell(buffer, style, false);
}

void Sheet::empty() { ++column_; }

void Sheet::finish() {
  if (row_open_) rows_xml_ += "</row>";
  row_open_ = false;
}

std::string Sheet::last_cell() const {
  return column_letters(columns_.empty() ? 0 : columns_.size() - 1) + std::to_string(rows_);
}

std::string Sheet::head() const {
  std::string s(kXmlDeclaration);
  s += "<worksheet xmlns=\"" + std::string(kMainNamespace) + "\">";
  if (summary_above_) s += "<sheetPr><outlinePr summaryBelow=\"0\"/></sheetPr>";
  s += "<dimension ref=\"A1:" + last_cell() + "\"/>";
  // The header row stays in view while scrolling: a pane split below row 1, frozen.
  s += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
       "state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>";
  s += "<sheetFormatPr defaultRowHeight=\"15\"";
  if (max_outline_ > 0) s += " outlineLevelRow=\"" + std::to_string(max_outline_) + "\"";
  s += "/><cols>";
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    std::string n = std::to_string(c + 1);
    s += "<col min=\"" + n + "\" max=\"" + n + "\" width=\"" + std::to_string(widths_[c]) + "\" customWidth=\"1\"/>";
  }
  s += "</cols><sheetData>";
  return s;
}

std::string Sheet::tail() const {
  std::string s = "</sheetData>";
  s += "<autoFilter ref=\"A1:" + last_cell() + "\"/>";
  int priority = 0;
  for (std::size_t c = 0; c < columns_.size() && rows_ > 1; ++c) {
    if (!columns_[c].bar) continue;
    std::string letters = column_letters(c);
    s += "<conditionalFormatting sqref=\"" + letters + "2:" + letters + std::to_string(rows_) +
         "\"><cfRule type=\"dataBar\" priority=\"" + std::to_string(++priority) +
         "\"><dataBar><cfvo type=\"min\"/><cfvo type=\"max\"/><color rgb=\"" + std::string(kBarColor) +
         "\"/></dataBar></cfRule></conditionalFormatting>";
  }
  s += "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>";
  s += "</worksheet>";
  return s;
}

std::string Sheet::filter_range() const {
  std::string last = last_cell();
  std::size_t digits = last.find_first_of("0123456789");
  return "'" + attribute_text(name_) + "'!$A$1:$" + last.substr(0, digits) + "$" + last.substr(digits);
}

void write_workbook(std::ostream& out, std::vector<Sheet>& sheets) {
  zip::Writer zip(out);
  std::string types(kXmlDeclaration);
  types +=
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/xl/workbook.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
      "<Override PartName=\"/xl/styles.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>";
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    types += "<Override PartName=\"/xl/worksheets/sheet" + std::to_string(i + 1) +
             ".xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
  }
  types += "</Types>";
  zip.add("[Content_Types].xml", types);

  zip.add("_rels/.rels", std::string(kXmlDeclaration) + "<Relationships xmlns=\"" + std::string(kPackageRelationships) +
                             "\"><Relationship Id=\"rId1\" Type=\"" + std::string(kRelationships) +
                             "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");

  std::string workbook(kXmlDeclaration);
  workbook += "<workbook xmlns=\"" + std::string(kMainNamespace) + "\" xmlns:r=\"" + std::string(kRelationships) +
              "\"><bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>";
  std::string relationships(kXmlDeclaration);
  relationships += "<Relationships xmlns=\"" + std::string(kPackageRelationships) + "\">";
  std::string defined_names;
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    std::string n = std::to_string(i + 1);
    workbook +=
        "<sheet name=\"" + attribute_text(sheets[i].name()) + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
    relationships += "<Relationship Id=\"rId" + n + "\" Type=\"" + std::string(kRelationships) +
                     "/worksheet\" Target=\"worksheets/sheet" + n + ".xml\"/>";
    // Excel keeps an autofilter's range in this hidden name; readers that rebuild the filter look for it.
    defined_names += "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"" + std::to_string(i) +
                     "\" hidden=\"1\">" + sheets[i].filter_range() + "</definedName>";
  }
  workbook += "</sheets>";
  if (!defined_names.empty()) workbook += "<definedNames>" + defined_names + "</definedNames>";
  workbook += "</workbook>";
  relationships += "<Relationship Id=\"rId" + std::to_string(sheets.size() + 1) + "\" Type=\"" +
                   std::string(kRelationships) + "/styles\" Target=\"styles.xml\"/></Relationships>";
  zip.add("xl/workbook.xml", workbook);
  zip.add("xl/_rels/workbook.xml.rels", relationships);
  zip.add("xl/styles.xml", styles_xml());
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    sheets[i].finish();
    std::string head = sheets[i].head(), tail = sheets[i].tail();
    zip.add("xl/worksheets/sheet" + std::to_string(i + 1) + ".xml", {head, sheets[i].rows(), tail});
  }
  zip.finish();
}

}  // namespace nnscope::emit::spreadsheet
