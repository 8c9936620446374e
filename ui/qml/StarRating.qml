pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Layouts

// A label and five stars; tapping the lit top star clears the rating.
RowLayout {
    id: root

    required property string label
    required property int stars
    required property string namePrefix

    signal rated(int stars)

    spacing: Theme.spacing

    UiText {
        id: labelText

        Layout.preferredWidth: Math.round(150 * Theme.dp)
        elide: Text.ElideRight
        text: root.label
        color: Theme.secondaryText
    }

    Repeater {
        id: starRepeater

        model: 5

        Rectangle {
            id: star

            required property int index

            objectName: root.namePrefix + (star.index + 1)
            Layout.preferredWidth: Theme.touchTarget
            Layout.preferredHeight: Theme.touchTarget
            radius: Theme.radius
            color: star.index < root.stars ? Theme.accent : Theme.surface
            border.color: star.index < root.stars ? Theme.accent : Theme.divider
            border.width: Math.round(2 * Theme.dp)

            Accessible.role: Accessible.RadioButton
            Accessible.name: qsTr("%n stars", "", star.index + 1)
            Accessible.checked: star.index + 1 === root.stars

            UiText {
                id: starLabel

                anchors.centerIn: parent
                text: "★"
                font.pixelSize: Theme.titleTextSize
                color: star.index < root.stars ? Theme.textOnAccent : Theme.secondaryText
            }

            TapHandler {
                id: starTap

                onTapped: root.rated(star.index + 1 === root.stars ? 0 : star.index + 1)
            }
        }
    }
}
