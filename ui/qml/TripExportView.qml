import QtQuick
import QtQuick.Layouts
import HeadUnit

// Export of every trip to a USB stick as GPX tracks and the logbook CSV.
// The export runs in a worker thread; this view shows whether a stick is
// present, the progress and the result. Exporting is allowed only while
// parked.
ColumnLayout {
    id: root

    required property ShellStore shell
    required property TripExportStore tripExport

    objectName: "tripExportSection"
    spacing: Theme.spacing

    Component.onCompleted: root.tripExport.watch(true)
    Component.onDestruction: root.tripExport.watch(false)

    SectionHeader {
        id: header

        shell: root.shell
        title: qsTr("Export to USB")
        backName: "tripExportBack"
    }

    UiText {
        id: folderLabel

        objectName: "tripExportFolder"
        Layout.fillWidth: true
        elide: Text.ElideMiddle
        text: qsTr("USB folder: %1").arg(root.tripExport.folder)
        color: Theme.secondaryText
    }

    UiText {
        id: stickLabel

        objectName: "tripExportStick"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: root.tripExport.stickPresent
            ? qsTr("USB stick ready")
            : qsTr("No USB stick found. Insert one and wait a moment.")
        color: root.tripExport.stickPresent ? Theme.text : Theme.warning
    }

    UiText {
        id: contentLabel

        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: qsTr("All finished trips as GPX tracks, and the logbook as CSV.")
        color: Theme.secondaryText
    }

    ChoiceButton {
        id: startButton

        objectName: "tripExportStart"
        enabled: root.tripExport.stickPresent && !root.tripExport.busy
                 && root.tripExport.allowExport
        label: root.tripExport.busy ? qsTr("Exporting…") : qsTr("Export")
        selected: enabled
        onActivated: root.tripExport.start()
    }

    Rectangle {
        id: progressTrack

        objectName: "tripExportProgress"
        Layout.fillWidth: true
        Layout.preferredHeight: Math.round(12 * Theme.dp)
        visible: root.tripExport.busy || root.tripExport.progress > 0
        radius: height / 2
        color: Theme.surface

        Rectangle {
            id: progressFill

            width: parent.width * root.tripExport.progress
            height: parent.height
            radius: height / 2
            color: Theme.accent
        }
    }

    UiText {
        id: resultLabel

        objectName: "tripExportResult"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        visible: text !== ""
        text: root.tripExport.resultText
        color: root.tripExport.resultFailed ? Theme.warning : Theme.text
    }

    Item {
        Layout.fillHeight: true
    }
}
