"""Rebuild an example by real X11 mouse drags from an empty build, then compare with the file.

A person-like check of drag and drop (issue 5): under Xvfb, xdotool presses the mouse on the catalog row,
moves it onto the build (the slot or board socket the example names) and releases, once per part.
Needs Debian packages xvfb and xdotool. Run from the repository root:
    xvfb-run -a -s "-screen 0 1920x1200x24" .venv/bin/python tools/xdrag_example.py resources/examples/hgx-8x-b200.json
Prints the undo steps, any difference from the example file, and the findings; saves a screenshot in /tmp.
"""
import sys, subprocess, json
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QTimer, QPointF
app = QApplication([])
from configurator.app import create_context
from configurator.ui.main_window import MainWindow
from configurator.ui.roles import PART_ID_ROLE
from configurator.core.buildfile import to_dict, load
ctx = create_context()
w = MainWindow(ctx, ask=lambda *a: True)
w.resize(1800, 1100); w.move(0, 0); w.show()
EXAMPLE = sys.argv[1]
ref_build = load(EXAMPLE, ctx.catalog)
w.files.new(ref_build.kind)
if ref_build.kind == "cluster":
    w.document.set_nodes(ref_build.nodes)
msgs = []
w.build_view.status_message.connect(lambda m: msgs.append(m) if m else None)
ref = to_dict(ref_build)
PLAN = [("chassis", ref["chassis"], None), ("platforms", ref["platform"], None)]
for i, g in enumerate(ref["gpus"]):
    for q in range(g["quantity"]):
        PLAN.append(("gpus", g["id"], g.get("slot") or (i + q + 1 if ref_build.on_board else None)))
for section in ("psus", "memory", "storage", "network", "bridges", "services"):
    for item in ref[section]:
        PLAN += [(section, item["id"], None)] * item["quantity"]
steps = list(PLAN)
def drag_next():
    if not steps:
        return finish()
    kind, pid, slot = steps.pop(0)
    br = w.catalog_browser
    br.setCurrentWidget(br.tabs[kind]); app.processEvents()
    tab = br.tabs[kind]
    row = next(r for r in range(tab.proxy.rowCount()) if tab.proxy.index(r, 0).data(PART_ID_ROLE) == pid)
    tab.table.scrollTo(tab.proxy.index(row, 0)); app.processEvents()
    cell = tab.table.visualRect(tab.proxy.index(row, 0))
    src = tab.table.viewport().mapToGlobal(cell.center() if cell.width() < 150 else cell.topLeft() + type(cell.center())(40, cell.height() // 2))
    v = w.build_view
    if slot is not None:
        target = v.scene.slot_rect(slot).center().toPoint()
    else:
        target = v.rect().center()
        target.setY(int(v.height() * 0.45))
    dst = v.mapToGlobal(target)
    cmd = (f"xdotool mousemove {src.x()} {src.y()} mousedown 1 sleep 0.15 mousemove {src.x()+25} {src.y()+5} "
           f"sleep 0.15 mousemove {dst.x()-20} {dst.y()} sleep 0.15 mousemove {dst.x()} {dst.y()} sleep 0.25 mouseup 1")
    subprocess.run(cmd, shell=True)
    QTimer.singleShot(400, drag_next)
def finish():
    w.document.recompute(); app.processEvents()
    built = to_dict(w.document.build)
    ref = to_dict(ref_build)
    keys = ("chassis", "platform", "gpus", "psus", "memory", "storage", "network", "services")
    diff = {k: (built[k], ref[k]) for k in keys if built[k] != ref[k]}
    print("undo steps:", w.document.undo_stack.count()); print("messages:", msgs)
    print("differences:", json.dumps(diff) if diff else "none")
    print("findings:", [(f.severity, f.code) for f in w.document.analysis.findings])
    w.grab().save("/tmp/xdrag-" + EXAMPLE.split("/")[-1] + ".png")
    w.document.undo_stack.setClean(); w.close(); app.quit()
QTimer.singleShot(1200, drag_next)
app.exec()
