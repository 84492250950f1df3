"""The centre of the window: the network diagram, and under it the error curves, the error
bowls and the error surface, as tabs, over the timeline (which every tab shows: it picks the
iteration the diagram and each tab show)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QSizePolicy, QSplitter, QTabWidget, QVBoxLayout, QWidget

from gdviz.core.accuracy import target_classes
from gdviz.core.dataset import DataSet
from gdviz.core.images import image_shape
from gdviz.ui import style
from gdviz.ui.bowls_view import BowlsView
from gdviz.ui.confusion_view import ConfusionView
from gdviz.ui.error_plot import ErrorPlot
from gdviz.ui.guard import answers_qt
from gdviz.ui.network_view import NetworkView
from gdviz.ui.surface_view import SurfaceView
from gdviz.ui.timeline import Timeline
from gdviz.ui.weight_images import WeightImagesView


class ViewTabs(QTabWidget):
    """Tabs that write their long names ("Error curves") when all of them fit the width, and their
    short ones ("Curves") when not: with the digits' five tabs at 1024 × 640 the long names
    overflowed, and Qt scrolled the first tab out of sight. The long name is in each tooltip."""

    picking = Signal()  # a tab is about to be picked (before Qt shows it): see ViewsPanel.finish

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.names: dict[QWidget, tuple[str, str]] = {}
        self.tabBar().tabBarClicked.connect(self.picking)

    def setCurrentIndex(self, index: int) -> None:  # noqa: N802 (Qt's name; the window's own picks come here)
        self.picking.emit()
        super().setCurrentIndex(index)

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802
        self.picking.emit()
        super().setCurrentWidget(widget)

    def add(self, page: QWidget, name: str, short: str, tip: str) -> int:
        self.names[page] = (name, short)
        index = self.addTab(page, name)
        self.setTabToolTip(index, f"{name}: {tip}")
        self.fit_names()
        return index

    def clear_names(self) -> None:
        self.names = {page: names for page, names in self.names.items() if self.indexOf(page) >= 0}

    def fit_names(self) -> None:
        bar = self.tabBar()
        metrics = bar.fontMetrics()
        needed = 0
        for index in range(self.count()):
            page = self.widget(index)
            if not self.isTabVisible(index) or page not in self.names:
                continue
            padding = bar.tabSizeHint(index).width() - metrics.horizontalAdvance(self.tabText(index))
            needed += metrics.horizontalAdvance(self.names[page][0]) + padding
        which = 0 if needed <= self.width() else 1
        for index in range(self.count()):
            page = self.widget(index)
            if page in self.names and self.tabText(index) != self.names[page][which]:
                self.setTabText(index, self.names[page][which])

    @answers_qt()
    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        self.fit_names()


class ViewsPanel(QSplitter):
    """Built for one network; :meth:`rebuild` for another shape or names."""

    built = Signal()  # a new network's tabs are all made (see finish): the window wires them

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setChildrenCollapsible(False)
        self.network_view = NetworkView((), ())
        self.tabs = ViewTabs()
        self.curves_page = QWidget()
        self.timeline = Timeline()
        self.error_plot = ErrorPlot()  # one for every network: rebuild gives it the outputs
        # the other tabs' views, made a turn after the rest (see finish): read through the properties
        self._bowls: BowlsView | None = None
        self._surface: SurfaceView | None = None
        self._weight_images: WeightImagesView | None = None  # inputs that form an image only
        self._confusion: ConfusionView | None = None  # shown for data with classes (gdviz.ui.accuracy_view)
        self._pending: DataSet | None = None  # a network whose other tabs are still to be made
        self._finish_timer = QTimer(self)
        self._finish_timer.setSingleShot(True)
        # a frame after the rest, not at once: a 0 ms timer ran straight after it, one stall again
        self._finish_timer.setInterval(style.FRAME_MS)
        self._finish_timer.timeout.connect(self.finish)
        # a tab picked while a new network's are still to be made: made first (else the old bowls
        # shown would build their page, 0.3-0.6 s, just to be deleted)
        self.tabs.picking.connect(self.finish)
        self._curves_layout = QVBoxLayout(self.curves_page)  # the error plot's place
        self._curves_layout.setContentsMargins(0, 0, 0, 0)
        self._curves_layout.addWidget(self.error_plot, 1)
        lower = QWidget()  # the tabs over the timeline: under whichever tab is shown
        lower.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)  # as a tab widget's
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.setSpacing(2)
        lower_layout.addWidget(self.tabs, 1)
        lower_layout.addWidget(self.timeline)
        self.addWidget(self.network_view)
        self.addWidget(lower)
        self.setStretchFactor(0, 4)
        self.setStretchFactor(1, 5)
        self._names: tuple = ()
        self.restored = False  # set by the window when it restores the saved sizes
        self._sized = False

    @answers_qt()
    def showEvent(self, event):  # noqa: N802
        """At first show, the diagram and the tabs share the height 4 : 5 (the window's saved sizes,
        restored after this, win). Left to itself the splitter sized the panes from their hints,
        which on a first window gave the tabs their minimum (155 of 851 px)."""
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            total = sum(self.sizes())
            if total > 0:
                self.setSizes([total * 4 // 9, total - total * 4 // 9])

    @property
    def bowls(self) -> BowlsView | None:
        self.finish()
        return self._bowls

    @property
    def surface(self) -> SurfaceView | None:
        self.finish()
        return self._surface

    @property
    def weight_images(self) -> WeightImagesView | None:
        self.finish()
        return self._weight_images

    @property
    def confusion(self) -> ConfusionView | None:
        self.finish()
        return self._confusion

    @property
    def pending(self) -> bool:
        """A new network's other tabs are still to be made (:meth:`finish`)."""
        return self._pending is not None

    def rebuild(self, data: DataSet, capacity: int) -> bool:
        """New views for ``data``'s names (True), or nothing when the names are the same (False).

        The diagram and the curves are the same widgets, given the new names; the other tabs'
        views are made anew by :meth:`finish`, in a turn of the event loop of their own (or when
        first asked for): made with the rest, taking a 784-input data set in was one ~90 ms stall.
        The window holds its paint until both are done. :attr:`built` says when they are."""
        names = (data.input_names, data.output_names)
        if names == self._names:
            return False
        self._names = names
        self.network_view.set_names(*names)
        self.error_plot.set_outputs(data.output_names, capacity)
        self._pending = data  # the old tabs stay till then (a tab picked by its number meanwhile stays picked)
        if not self.isVisible() or self.tabs.count() == 0:  # nothing on the screen to keep going (the first
            self.finish()  # network, before the window shows): all made now, every tab there at once
        else:  # a frame counted from the end of this turn (started now, it was due before the turn ended)
            QTimer.singleShot(0, self._finish_timer.start)
        return True

    def finish(self) -> None:
        """Make the other tabs' views for the network :meth:`rebuild` took in, if not made yet."""
        data = self._pending
        if data is None:
            return
        self._pending = None
        self._finish_timer.stop()
        names = (data.input_names, data.output_names)
        current = max(self.tabs.currentIndex(), 0)
        self.tabs.blockSignals(True)  # no views to show until they are all built
        try:
            # the tab in front goes last: removing it while others were left showed the next one, and
            # the bowls (built when first shown: 0.2-0.3 s) were built just to be deleted
            olds = [widget for index in range(self.tabs.count()) if (widget := self.tabs.widget(index)) is not None]
            front = self.tabs.currentWidget()
            for old in sorted(olds, key=lambda widget: widget is front):
                self.tabs.removeTab(self.tabs.indexOf(old))
                if old is not self.curves_page:
                    old.deleteLater()
            self.tabs.clear_names()
            self.tabs.add(self.curves_page, "Error curves", "Curves", "each output's error and the total, against "
                          "iteration; click or drag to pick the iteration every view shows")
            self._bowls = BowlsView(*names)
            self._surface = SurfaceView(*names)
            self.tabs.add(self._bowls, "Error bowls", "Bowls",
                          "the error as each weight alone moves: the dot slides to the bottom as it learns")
            self.tabs.add(self._surface, "Error surface", "Surface",
                          "the error over two weights, with the path training took (one weight: the error against it)")
            self._weight_images = WeightImagesView(data) if image_shape(data) is not None else None
            if self._weight_images is not None:
                self.tabs.add(self._weight_images, "Weight images", "Images", "each output's weights drawn as an "
                              "image, and an example's pred as the dot product of its image with them")
            self._confusion = ConfusionView(data.output_names)
            confusion = self.tabs.add(self._confusion, "Confusion", "Confusion", "data with classes: which class the "
                                      "largest pred names for each class's examples; click a cell to see them")
            self.tabs.setTabVisible(confusion, target_classes(data) is not None)  # an edit may change it: accuracy_view
            self.tabs.fit_names()
            self.tabs.setCurrentIndex(min(current, self.tabs.count() - 1))
        finally:  # (a view that failed to be made leaves the tabs answering)
            self.tabs.blockSignals(False)
        self.built.emit()
