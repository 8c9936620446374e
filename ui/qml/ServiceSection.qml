pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts
import HeadUnit

// What owners of the same model found for a trouble code that is present
// now: the usual cause, the fix, what they paid, warnings, and rated
// workshops nearby. Only while parked; while moving one line of notice.
ColumnLayout {
    id: root

    required property CommunityStore community

    spacing: Theme.spacing

    UiText {
        id: noticeText

        objectName: "serviceNotice"
        Layout.fillWidth: true
        visible: !root.community.hasService
        Layout.fillHeight: !root.community.hasService
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
        text: root.community.serviceNotice !== "" ? root.community.serviceNotice
                                                  : qsTr("No trouble codes with owners' experience")
        font.pixelSize: Theme.titleTextSize
    }

    Flickable {
        id: reportFlick

        objectName: "serviceReport"
        Layout.fillWidth: true
        Layout.fillHeight: true
        visible: root.community.hasService
        clip: true
        contentHeight: reportColumn.implicitHeight
        interactive: !root.community.moving

        ColumnLayout {
            id: reportColumn

            width: reportFlick.width
            spacing: Theme.spacing / 2

            UiText {
                id: titleText

                Layout.fillWidth: true
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
                text: root.community.serviceCode + " · " + root.community.serviceTitle
                font.pixelSize: Theme.titleTextSize
                font.bold: true
            }

            UiText {
                id: reportsText

                Layout.fillWidth: true
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
                text: root.community.serviceReports
                color: Theme.secondaryText
            }

            UiText {
                id: causeText

                Layout.fillWidth: true
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
                text: qsTr("Typical cause: %1").arg(root.community.serviceCause)
            }

            UiText {
                id: fixText

                Layout.fillWidth: true
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
                text: qsTr("Usual fix: %1").arg(root.community.serviceFix)
            }

            UiText {
                id: costText

                objectName: "serviceCost"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
                text: root.community.serviceCost
                font.bold: true
            }

            Repeater {
                id: warningRepeater

                model: root.community.serviceWarnings

                delegate: Rectangle {
                    id: warningBox

                    required property string modelData

                    Layout.fillWidth: true
                    implicitHeight: warningText.implicitHeight + Theme.spacing
                    radius: Theme.radius
                    color: Theme.warningSurface

                    UiText {
                        id: warningText

                        anchors.fill: parent
                        anchors.margins: Theme.spacing / 2
                        anchors.leftMargin: Theme.spacing
                        wrapMode: Text.Wrap
                        textFormat: Text.PlainText
                        text: qsTr("Warning: %1").arg(warningBox.modelData)
                        color: Theme.warning
                    }
                }
            }

            UiText {
                id: workshopsHeading

                Layout.fillWidth: true
                Layout.topMargin: Theme.spacing
                visible: workshopRepeater.count > 0
                text: qsTr("Rated workshops nearby")
                font.bold: true
            }

            Repeater {
                id: workshopRepeater

                model: root.community.workshops

                delegate: ColumnLayout {
                    id: workshopRow

                    required property string name
                    required property string detail
                    required property bool recommended

                    Layout.fillWidth: true
                    spacing: 0

                    UiText {
                        id: nameText

                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        textFormat: Text.PlainText
                        text: workshopRow.name
                            + (workshopRow.recommended ? " · " + qsTr("Recommended by owners") : "")
                    }

                    UiText {
                        id: detailText

                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        textFormat: Text.PlainText
                        text: workshopRow.detail
                        color: Theme.secondaryText
                    }
                }
            }
        }
    }
}
