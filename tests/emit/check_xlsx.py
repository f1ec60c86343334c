"""Independent reader for nnscope's --format xlsx (run by tests/emit/xlsx_test.cc with a Python that has openpyxl
and pandas). Prints every failed check and exits 1 if there was one.

  check_xlsx.py report XLSX JSON CSV   an analysis' workbook against the JSON and details CSV of the same run
  check_xlsx.py sweep XLSX JSON CSV    a sweep's workbook against the sweep JSON and CSV
  check_xlsx.py cells XLSX             the hand-made sheet of Spreadsheet.HandMadeSheetReadsBack
"""
import csv
import json
import sys

import openpyxl
import pandas
from openpyxl.utils import get_column_letter

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def header(ws):
    return [cell.value for cell in ws[1]]


def companion(name):
    return name.endswith("_exact") or name.endswith("_mib")


def check_frame(ws, numeric):
    """Frozen header row, autofilter over the whole sheet, a data bar over every numeric column."""
    check(ws.freeze_panes == "A2", f"{ws.title}: frozen pane {ws.freeze_panes}")
    expected = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
    check(ws.auto_filter.ref == expected, f"{ws.title}: autofilter {ws.auto_filter.ref}, expected {expected}")
    bars = set()
    for formatting in ws.conditional_formatting:
        for rule in formatting.rules:
            if rule.type == "dataBar" or rule.type == "colorScale":
                bars.add(str(formatting.sqref))
    names = header(ws)
    for name in numeric:
        letter = get_column_letter(names.index(name) + 1)
        if ws.max_row >= 2:
            check(f"{letter}2:{letter}{ws.max_row}" in bars, f"{ws.title}: no data bar over {name} ({letter})")


def same_number(actual, expected, column):
    """An integer within 2^53 must be exact; past it the cell holds the nearest double."""
    if isinstance(expected, int) and abs(expected) > 2**53:
        return check(isinstance(actual, float) and actual == float(expected), f"{column}: {actual!r} != {expected}")
    return check(is_number(actual) and actual == expected, f"{column}: {actual!r} != {expected!r}")


def check_companions(names, values, column_values, where):
    for i, name in enumerate(names):
        if name.endswith("_exact") and values[i] is not None:
            base = column_values[name[: -len("_exact")]]
            check(isinstance(values[i], str) and values[i].lstrip("-").isdigit() and float(int(values[i])) == base,
                  f"{where} {name}: {values[i]!r} beside {base!r}")
        if name.endswith("_mib") and values[i] is not None:
            base = column_values[name[: -len("_mib")]]
            exact = column_values.get(name[: -len("_mib")] + "_exact")
            size = int(exact) if exact is not None else base
            check(is_number(values[i]) and abs(values[i] - size / 2**20) <= 1e-6 * max(1, size / 2**20),
                  f"{where} {name}: {values[i]!r} for {size} bytes")


def check_report(path, json_path, csv_path):
    report = json.load(open(json_path))
    rows = list(csv.reader(open(csv_path, newline="", encoding="utf-8")))
    book = openpyxl.load_workbook(path)
    check(book.sheetnames == ["details", "summary", "by_op_type", "model"], f"sheets {book.sheetnames}")

    # details: the CSV's columns in its order (plus _exact and _mib companions), one row per CSV row.
    ws = book["details"]
    names = header(ws)
    check([n for n in names if not companion(n)] == rows[0], f"details header {names} vs CSV {rows[0]}")
    json_numeric = set()
    for layer in report["layers"]:
        json_numeric.update(key for key, value in layer.items() if is_number(value))
    numeric = [n for n in rows[0] if n in json_numeric]
    check("params" in numeric and "gemm_macs" in numeric, f"numeric columns {numeric}")
    check_frame(ws, numeric)
    check(ws.sheet_properties.outlinePr is not None and ws.sheet_properties.outlinePr.summaryBelow is False,
          "details: outline buttons not above the blocks (summaryBelow)")
    op_column, path_column = names.index("op"), names.index("path")
    csv_row = 1
    seen_headers = []  # paths of the block header rows so far
    deepest = 0
    for r in range(2, ws.max_row + 1):
        values = [cell.value for cell in ws[r]]
        level = ws.row_dimensions[r].outlineLevel or 0
        deepest = max(deepest, level)
        row_path = values[path_column]
        if values[op_column] is None:  # a block's header row: its path, bold, no figures
            check(ws.cell(r, path_column + 1).font.b, f"details row {r}: block header {row_path} not bold")
            check(level == min(row_path.count("."), 7), f"details row {r}: header {row_path} at level {level}")
            check(all(values[names.index(n)] is None for n in numeric), f"details row {r}: header with figures")
            seen_headers.append(row_path)
            continue
        check(level == min(row_path.count("."), 7), f"details row {r}: {row_path} at outline level {level}")
        segments = row_path.split(".")
        for k in range(1, len(segments)):
            check(".".join(segments[:k]) in seen_headers, f"details row {r}: no header row above {row_path}")
        if not check(csv_row < len(rows), f"details row {r}: more rows than the CSV"):
            break
        expected = dict(zip(rows[0], rows[csv_row]))
        actual = dict(zip(names, values))
        for name in rows[0]:
            text, value = expected[name], actual[name]
            if text == "":
                check(value is None, f"details row {r} {name}: {value!r}, CSV empty")
            elif name in json_numeric:
                if name + "_exact" in actual and actual[name + "_exact"] is not None:
                    check(actual[name + "_exact"] == text, f"details row {r} {name}_exact: {actual[name + '_exact']!r}")
                same_number(value, int(text) if text.lstrip("-").isdigit() else float(text), f"details row {r} {name}")
            else:
                check(value == text, f"details row {r} {name}: {value!r} != {text!r}")
        check_companions(names, values, actual, f"details row {r}")
        csv_row += 1
    check(csv_row == len(rows), f"details: {csv_row - 1} layer rows, CSV has {len(rows) - 1}")
    check((ws.sheet_format.outlineLevelRow or 0) == deepest, f"details: outlineLevelRow {ws.sheet_format.outlineLevelRow}")

    # summary: one row per JSON total, the same values; units; formulas as JSON's ASCII ones.
    ws = book["summary"]
    names = header(ws)
    check(names[:3] == ["name", "value", "unit"] and "formula" in names, f"summary header {names}")
    check_frame(ws, [])
    totals = {}
    for r in range(2, ws.max_row + 1):
        row = dict(zip(names, [cell.value for cell in ws[r]]))
        totals[row["name"]] = row
        check(isinstance(row["unit"], str) and row["unit"], f"summary {row['name']}: no unit")
        check_companions(names, [row[n] for n in names], {"value": row["value"], **row}, f"summary {row['name']}")
    check(list(totals) == list(report["totals"]), f"summary names {list(totals)} vs JSON {list(report['totals'])}")
    for name, value in report["totals"].items():
        if name in totals:
            same_number(totals[name]["value"], value, f"summary {name}")
            if "value_exact" in totals[name] and totals[name]["value_exact"] is not None:
                check(int(totals[name]["value_exact"]) == value, f"summary {name} exact")
            if totals[name]["unit"] == "bytes":
                check(abs(totals[name]["mib"] - value / 2**20) <= 1e-6 * max(1, value / 2**20), f"summary {name} MiB")
                check(abs(totals[name]["gib"] - value / 2**30) <= 1e-6 * max(1, value / 2**30), f"summary {name} GiB")
    for name, formula in report["formulas_ascii"].items():
        check(totals[name]["formula"] == formula, f"summary {name} formula {totals[name]['formula']!r}")

    # by_op_type: the JSON's, row for row.
    ws = book["by_op_type"]
    names = header(ws)
    check_frame(ws, ["count", "params", "gemm_macs", "flops"])
    check(ws.max_row - 1 == len(report["by_op_type"]), "by_op_type row count")
    for r, expected in enumerate(report["by_op_type"], start=2):
        row = dict(zip(names, [cell.value for cell in ws[r]]))
        check(row["op"] == expected["op"], f"by_op_type row {r}: {row['op']}")
        for key, value in expected.items():
            if key != "op":
                same_number(row[key], value, f"by_op_type {expected['op']} {key}")

    # model: the JSON's model, dtypes and bindings; the hardware and optimizer when used.
    ws = book["model"]
    check_frame(ws, [])
    facts = {(section, name): value for section, name, value in ws.iter_rows(min_row=2, values_only=True)}
    expected = {("model", "name"): report["model"], ("model", "dtype"): report["dtype"],
                ("model", "weight_dtype"): report["weight_dtype"]}
    expected.update({("binding", name): value for name, value in report["bindings"].items()})
    if "hardware" in report:
        expected[("hardware", "name")] = report["hardware"]["name"]
    if "training" in report:
        expected[("training", "optimizer")] = report["training"]["optimizer"]
    check(facts == expected, f"model sheet {facts} vs JSON {expected}")

    # pandas reads every sheet; the layer rows' numeric columns have numeric dtypes.
    frames = pandas.read_excel(path, sheet_name=None)
    check(list(frames) == ["details", "summary", "by_op_type", "model"], f"pandas sheets {list(frames)}")
    layers = frames["details"][frames["details"]["op"].notna()]
    check(len(layers) == len(rows) - 1, f"pandas: {len(layers)} layer rows")
    for name in numeric:
        check(pandas.api.types.is_numeric_dtype(layers[name]), f"pandas details {name}: {layers[name].dtype}")
    check(pandas.api.types.is_numeric_dtype(frames["summary"]["value"]), "pandas summary value not numeric")


def check_sweep(path, json_path, csv_path):
    report = json.load(open(json_path))
    rows = list(csv.reader(open(csv_path, newline="", encoding="utf-8")))
    book = openpyxl.load_workbook(path)
    check(book.sheetnames == ["sweep"], f"sheets {book.sheetnames}")
    ws = book["sweep"]
    names = header(ws)
    check([n for n in names if not companion(n)] == rows[0], f"sweep header {names} vs CSV {rows[0]}")
    check_frame(ws, [n for n in rows[0] if n in report["points"][0]["totals"]])
    check(ws.max_row - 1 == len(report["points"]), "sweep: one row per point")
    for r, point in enumerate(report["points"], start=2):
        row = dict(zip(names, [cell.value for cell in ws[r]]))
        for name, value in {**point["values"], **point["totals"]}.items():
            if name in row:
                same_number(row[name], value, f"sweep row {r} {name}")
        check_companions(names, [row[n] for n in names], row, f"sweep row {r}")
    frame = pandas.read_excel(path, sheet_name="sweep")
    for name in rows[0]:
        check(pandas.api.types.is_numeric_dtype(frame[name]), f"pandas sweep {name}: {frame[name].dtype}")


def check_cells(path):
    ws = openpyxl.load_workbook(path)["hand"]
    check(header(ws) == ["text", "integer", "decimal"], f"header {header(ws)}")
    check(ws.cell(2, 1).value == "a<b>&\"'c\u00e9\ufffd", f"escaped text {ws.cell(2, 1).value!r}")
    check(ws.cell(2, 2).value == 2**53, f"2^53 exact: {ws.cell(2, 2).value!r}")
    check(ws.cell(2, 3).value == 0.125, f"decimal {ws.cell(2, 3).value!r}")
    check(ws.cell(3, 2).value == float(10**20), f"10^20 as a double: {ws.cell(3, 2).value!r}")
    long_text = ws.cell(3, 1).value
    check(len(long_text) <= 32767 and long_text.endswith("\u2026"), f"long text of {len(long_text)} characters")
    check(ws.row_dimensions[3].outlineLevel == 2, "outline level of row 3")


mode = sys.argv[1]
if mode == "report":
    check_report(*sys.argv[2:5])
elif mode == "sweep":
    check_sweep(*sys.argv[2:5])
else:
    check_cells(sys.argv[2])
for failure in failures[:40]:
    print(failure)
sys.exit(1 if failures else 0)
