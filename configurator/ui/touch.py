"""Touch and assistive technology for the whole window: kinetic (flick) scrolling on every list, table and
scroll area for touch screens at a booth, and an accessible name on every form field (its row's label), so a
screen reader says "Concurrent users, 64" rather than "spin box"."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractScrollArea, QFormLayout, QLabel, QScroller, QWidget


def kinetic_scrolling(root: QWidget) -> int:
    """Flick scrolling by touch on every scroll area under ``root`` (mouse drags stay drags: drag and drop
    from the catalog and within the build keep working). Returns how many areas were set up."""
    areas = root.findChildren(QAbstractScrollArea)
    for area in areas:
        QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return len(areas)


def name_form_fields(root: QWidget) -> int:
    """Give each field of every form under ``root`` its row label as accessible name (where it has none)."""
    named = 0
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None or not isinstance(label.widget(), QLabel):
                continue
            widget = field.widget()
            if widget is not None and not widget.accessibleName():
                widget.setAccessibleName(label.widget().text().replace("&", ""))
                named += 1
    return named
