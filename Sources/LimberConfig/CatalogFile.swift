// The built-in exercise catalog, built into the binaries.
//
// config/catalog.toml is the source of truth; this is a byte-for-byte copy of it between the
// raw-string delimiters below (CatalogFileTests fails when the two differ). After editing
// config/catalog.toml, paste its whole text between the delimiters again.

/// The built-in exercise catalog file.
public enum CatalogFile {
    /// The text of config/catalog.toml.
    public static let text: String = #"""
# limber's built-in exercise catalog: exercises, short routines, the daily routine and the
# posture cues. It is built into limberd and limber (Sources/LimberConfig/CatalogFile.swift
# holds a byte-for-byte copy) and checked by the same schema as your config.toml, where
# [[exercises]], [[routines]] and [[cues]] with your own ids add to this catalog and ones
# with an id used here replace the built-in entry.
#
# The facts (which moves, how, holds, repetitions, sets, why they help, when to stop) come
# from two articles on upper-back pain at a desk; every sentence here is our own.
#
# An exercise:
#   id         lowercase letters, digits and dashes
#   name       as lists and notifications show it
#   places     where it can be done, any one will do: desk (seated), standing, wall, doorway, floor
#   equipment  what it needs, all of it: band, ball, roller, weights (leave out for none)
#   steps      how to do it, in order
#   the dose   reps (counted by you; with hold = "3s", each one held 1s to 10s), or
#              hold = "30s" (one still hold, 5s to 2m, timed), or duration = "1m" (keep
#              moving, 10s to 10m, timed); per_side = true does it right, then left:
#              describe the right side and end the steps with the change to the left
#              (a guided hold shows that last line with the left side only);
#              sets = 1 to 5
#   why        why it helps
#   cautions   what to watch for
#
# A routine: id, title, kind ("micro": 1 to 5 minutes, offered in rotation by the routine
# reminders; "daily": 10 to 20 minutes, for the optional daily routine, where "auto" takes
# the first one your equipment and places allow), minutes (optional:
# the estimate from the doses otherwise), about, and steps: exercise ids, or inline tables
# { exercise = "id", ... } that change the dose for this routine.
#
# Where and with what a routine can be done follows from its exercises: [routine] equipment
# and places in config.toml decide which routines are offered to you.

# ---------------------------------------------------------------------------------------
# Mobility and stretches

[[exercises]]
id = "thoracic-rotation"
name = "Thoracic rotation"
places = ["desk", "standing"]
steps = [
    "Sit or stand up tall and fold your arms across your chest, hands resting near the opposite shoulders.",
    "Keep your hips and knees pointing straight ahead and turn your chest to the right.",
    "Pause there for two or three seconds, then come back to the middle.",
    "Turn to the left the same way: that makes one on each side.",
]
reps = 10
hold = "2s"
per_side = true
why = "The middle of your back is made to turn, and long hours in a chair take that away. Once it turns freely again, your neck and lower back stop having to twist in its place."
cautions = [
    "Turn from the ribcage, not the hips, and only as far as it feels easy.",
    "Keep breathing and do not bounce at the end of the turn.",
]

[[exercises]]
id = "cat-cow"
name = "Cat-cow for the upper back"
places = ["floor"]
steps = [
    "Kneel on all fours, hands under your shoulders with the fingers spread, knees under your hips.",
    "Breathing in, let your belly sink and lift your chest and tailbone, aiming the lift at the middle of your back (cow).",
    "Breathing out, press the floor away, round your upper back towards the ceiling and let your chin drop (cat).",
    "Flow slowly between the two shapes, one breath for each.",
]
reps = 10
why = "It bends and arches the spine in turn. Making the movement big between the shoulder blades puts the work where sitting leaves you stiffest."
cautions = [
    "Keep it smooth and within comfort; a folded towel under the knees helps if kneeling hurts.",
]

[[exercises]]
id = "doorway-pec-stretch"
name = "Doorway chest stretch"
places = ["doorway"]
steps = [
    "Stand in an open doorway and rest your right forearm on the frame, the elbow bent to about a right angle at shoulder height.",
    "Step through with your right foot until the front of your chest and shoulder feel a mild pull.",
    "Keep that shoulder low, away from your ear, and breathe slowly while you hold.",
    "Step back out and do the same with your left forearm and left foot.",
]
hold = "30s"
per_side = true
sets = 2
why = "A tight chest draws the shoulders forward and leaves the upper back holding them there. Loosening the chest makes sitting upright easier and takes that load off."
cautions = [
    "Look for a gentle pull, never a sharp or pinching feeling at the front of the shoulder.",
    "If your hand or arm starts to tingle, lower the elbow or step back.",
]

[[exercises]]
id = "childs-pose-reach"
name = "Child's pose with a side reach"
places = ["floor"]
steps = [
    "From all fours, sit your hips back towards your heels and stretch both arms forward along the floor.",
    "Walk both hands over to the right until you feel a stretch along your left side and between the shoulder blades.",
    "Rest there and breathe into your back, then walk the hands back to the middle.",
    "Walk them to the left the same way.",
]
hold = "20s"
per_side = true
sets = 2
why = "It lengthens the whole mid-back in a restful position, and the slow breathing helps the upper back let go."
cautions = [
    "If your knees or hips complain, put a cushion between your heels and your seat.",
]

[[exercises]]
id = "seated-spinal-twist"
name = "Seated spinal twist"
places = ["desk"]
steps = [
    "Sit towards the front of your chair, feet flat on the floor, spine tall.",
    "Turn your upper body to the right and hold the back or the side of the chair to settle gently into the twist.",
    "Grow taller as you breathe in; let the turn go a little further as you breathe out.",
    "Come back to the middle and turn to the left.",
]
hold = "20s"
per_side = true
why = "Twisting from the middle of the back with the spine long, not slumped, loosens the upper back while sparing the lower back."
cautions = [
    "Let the chair help only lightly; never lever yourself hard into the twist.",
    "On a chair with wheels, keep your feet planted so it cannot roll away.",
]

[[exercises]]
id = "thread-the-needle"
name = "Thread the needle"
places = ["floor"]
steps = [
    "Kneel on all fours.",
    "Slide your right arm, palm up, under your body towards the left.",
    "Lower your right shoulder and the side of your head to the floor and rest there, feeling the stretch between the shoulder blades.",
    "Come back up and do the same with the left arm.",
]
hold = "20s"
per_side = true
why = "It joins a twist with a stretch of the muscles around the shoulder blade, reaching a spot few other stretches get to."
cautions = [
    "Keep your weight on your knees and the supporting hand, not on your neck.",
]

[[exercises]]
id = "shoulder-circles"
name = "Shoulder circles and neck rolls"
places = ["desk", "standing"]
steps = [
    "Sit or stand tall with your arms hanging loose.",
    "Roll both shoulders slowly up, back and down in large circles.",
    "Let your head drop forward and sway it gently from one side to the other in a half circle, without tipping it back.",
    "Switch between the two at an easy pace.",
]
duration = "1m"
why = "Slow, large movements warm up the muscles around the neck and shoulder blades and get them ready to stretch."
cautions = [
    "Keep the neck movements small and slow, and leave out any position that pinches.",
]

[[exercises]]
id = "walk-and-swing"
name = "Walk and swing"
places = ["standing"]
steps = [
    "Get up and walk for a minute: along the corridor, to the window, to fetch water.",
    "Let your arms swing freely as you go.",
    "Every few steps, turn your chest gently to one side, then to the other.",
]
duration = "1m"
why = "Leaving your chair every 30 to 45 minutes breaks the long spells in one position that tire the back, whatever the chair."
cautions = [
    "Walk at an easy pace: this is a reset, not a workout.",
]

# ---------------------------------------------------------------------------------------
# Strength

[[exercises]]
id = "scapular-squeeze"
name = "Shoulder blade squeezes"
places = ["desk", "standing"]
steps = [
    "Sit or stand tall with your arms relaxed by your sides.",
    "Slide your shoulder blades down and towards each other, as if aiming them at the back pockets of your trousers.",
    "Hold the squeeze without shrugging and without arching your lower back.",
    "Let go slowly and completely before the next one.",
]
reps = 10
hold = "3s"
why = "Many small squeezes through the day build stamina in the muscles that hold your shoulders back, so sitting well takes less effort."
cautions = [
    "Keep your neck long and loose: the work is between the shoulder blades, not at the top of the shoulders.",
]

[[exercises]]
id = "band-row"
name = "Resistance band row"
places = ["standing"]
equipment = ["band"]
steps = [
    "Fix the middle of the band to something solid at chest height, such as a door anchor in a closed door.",
    "Take one end in each hand and step back until the band is taut; stand tall.",
    "Pull your hands towards your lower ribs with the elbows close to your sides, squeezing the shoulder blades together.",
    "Let the band back slowly, under control.",
]
reps = 10
sets = 3
why = "Rows strengthen the rhomboids and middle trapezius, the muscles between the shoulder blades that draw them back and hold the upper back up."
cautions = [
    "Keep your shoulders away from your ears and your wrists straight.",
    "Check the anchor before every set: a band that slips can snap back.",
]

[[exercises]]
id = "prone-y-raise"
name = "Prone Y raise"
places = ["floor"]
steps = [
    "Lie face down with your forehead on a folded towel and your arms overhead in a Y.",
    "Thumbs pointing up, lift both arms a few centimetres off the floor.",
    "As you lift, draw the shoulder blades down and together; keep your neck in line, eyes on the floor.",
    "Lower slowly.",
]
reps = 10
sets = 2
why = "It trains the lower trapezius and the other muscles that steady the shoulder blades, so a good posture costs less strain."
cautions = [
    "Lift only a little: height is not the point.",
    "Start without weight; add light dumbbells only once it feels easy.",
]

[[exercises]]
id = "prone-t-raise"
name = "Prone T raise"
places = ["floor"]
steps = [
    "Lie face down with your forehead on a folded towel and your arms straight out to the sides, like a T.",
    "Turn your thumbs towards the ceiling and lift both arms a few centimetres.",
    "Squeeze your shoulder blades together as you lift, neck relaxed.",
    "Lower with control.",
]
reps = 10
sets = 2
why = "It works the muscles between the shoulder blades that pull them together, which balances a tight chest."
cautions = [
    "Keep your lower back relaxed; do not lift your chest to get the arms higher.",
]

[[exercises]]
id = "prone-raise-weights"
name = "Y and T raises with light dumbbells"
places = ["floor"]
equipment = ["weights"]
steps = [
    "Set up as for the prone Y and T raises, with a light dumbbell in each hand.",
    "Y raise: arms overhead in a Y, lift a few centimetres, lower slowly.",
    "T raise: arms out to the sides, lift a few centimetres, lower slowly.",
    "Stop while the last repetition still looks like the first.",
]
reps = 8
sets = 2
why = "When the raises are easy without weight, a little load keeps the muscles around the shoulder blades getting stronger."
cautions = [
    "Use the lightest weights you have: the movement stays small and slow.",
    "Go back to no weight if your neck starts doing the work.",
]

[[exercises]]
id = "wall-angel"
name = "Wall angels"
places = ["wall"]
steps = [
    "Stand with your back to a wall, feet a small step away from it, head, upper back and bottom touching it.",
    "Raise your arms into a goalpost shape: elbows bent at shoulder height, the backs of arms and hands against the wall.",
    "Slide your arms slowly up the wall as far as they stay in contact, then slide them back down.",
    "Keep your lower back from arching away from the wall.",
]
reps = 10
why = "Sliding the arms along the wall makes the upper back and shoulder blades work while the chest stays open. It is harder than it looks."
cautions = [
    "Go only as high as your arms stay on the wall; the range grows with practice.",
]

[[exercises]]
id = "bird-dog"
name = "Bird-dog"
places = ["floor"]
steps = [
    "Kneel on all fours, hands under shoulders, knees under hips, back flat.",
    "Brace your belly lightly, then reach your right arm forward and your left leg back until both are level with your body.",
    "Hold for a few seconds without letting your hips tip or your back sag.",
    "Bring them down and switch to the left arm and the right leg.",
]
reps = 8
hold = "3s"
per_side = true
why = "It teaches your trunk to stay steady while your limbs move, building the core and back support that spares the small upper-back muscles."
cautions = [
    "Move slowly: a smaller reach with a steady back beats a big, wobbly one.",
]

# ---------------------------------------------------------------------------------------
# Breathing and self-massage

[[exercises]]
id = "belly-breathing"
name = "Belly breathing"
places = ["desk", "standing", "floor"]
steps = [
    "Place one palm on your breastbone and the other just above your navel.",
    "Breathe in slowly through your nose, letting the lower hand rise while the upper one stays almost still.",
    "Breathe out slowly through your mouth and feel your belly fall.",
    "Carry on at an easy pace for five to ten breaths, or longer.",
]
duration = "1m"
why = "Under stress we breathe high in the chest and recruit neck and shoulder muscles, which tires them. Breathing low lets them rest and the shoulders drop."
cautions = [
    "Breathe gently; if you feel light-headed, go back to your normal breathing.",
]

[[exercises]]
id = "lying-belly-breathing"
name = "Belly breathing lying down"
places = ["floor"]
steps = [
    "Lie on your back, knees bent and feet flat, with a light book resting on your stomach.",
    "Breathing in through your nose, let your stomach lift the book.",
    "Let the air out slowly through your mouth and watch the book come down.",
    "Stay with it, slow and unhurried.",
]
duration = "5m"
why = "A few calm minutes of low breathing let your shoulders settle and the guarding in your upper back ease: little effort for a lot of relief."
cautions = [
    "If lying flat is uncomfortable, put a pillow under your head or your knees.",
]

[[exercises]]
id = "ball-massage-wall"
name = "Ball massage against a wall"
places = ["wall"]
equipment = ["ball"]
steps = [
    "Stand with your back to a wall and trap a tennis or lacrosse ball between the wall and the muscle beside your right shoulder blade.",
    "Lean in gently and move your body so the ball rolls slowly over the sore area.",
    "On a tender spot, stay put for 20 to 30 seconds and breathe.",
    "Then do the same beside your left shoulder blade.",
]
duration = "45s"
per_side = true
why = "Steady pressure on a knot between the shoulder blades helps the muscle let go, in a place stretches rarely reach."
cautions = [
    "Keep the ball on muscle, never on the spine or the bony edge of the shoulder blade.",
    "Press gently: digging harder makes it sorer, not looser.",
]

[[exercises]]
id = "foam-roller-mid-back"
name = "Foam roller for the mid-back"
places = ["floor"]
equipment = ["roller"]
steps = [
    "Lie on your back with a foam roller across your body under the middle of your back, knees bent, feet flat.",
    "Support your head with your hands, elbows pointing forward.",
    "Push with your legs to roll slowly up and down a few centimetres at a time.",
    "Keep it short and easy; let your feet take more of your weight if it feels too strong.",
]
duration = "1m30s"
why = "Rolling across the middle and upper back loosens a broad area at once and helps it move more freely."
cautions = [
    "Stay on the middle and upper back: do not roll your lower back or your neck.",
    "Use gentle, even pressure; more force only means more soreness.",
]

# ---------------------------------------------------------------------------------------
# Short routines (1 to 5 minutes), offered in rotation with the routine reminders

[[routines]]
id = "desk-reset"
title = "Desk reset"
kind = "micro"
minutes = 4
about = "Without leaving your chair: turn, squeeze, breathe."
steps = [
    "thoracic-rotation",
    "scapular-squeeze",
    "belly-breathing",
]

[[routines]]
id = "seated-unwind"
title = "Seated unwind"
kind = "micro"
minutes = 3
about = "Loosen neck, shoulders and mid-back from your chair."
steps = [
    "shoulder-circles",
    "seated-spinal-twist",
    "scapular-squeeze",
]

[[routines]]
id = "up-and-about"
title = "Up and about"
kind = "micro"
minutes = 2
about = "Stand up, walk a little and shake off the sitting."
steps = [
    "walk-and-swing",
    { exercise = "shoulder-circles", duration = "30s" },
]

[[routines]]
id = "doorway-opener"
title = "Doorway opener"
kind = "micro"
minutes = 4
about = "Open a tight chest in a doorway, then turn the upper back."
steps = [
    "doorway-pec-stretch",
    { exercise = "thoracic-rotation", reps = 8, hold = "2s" },
]

[[routines]]
id = "wall-reset"
title = "Wall reset"
kind = "micro"
minutes = 3
about = "Back to a wall: wake up the muscles that hold your shoulders back."
steps = [
    { exercise = "wall-angel", sets = 2 },
    "scapular-squeeze",
    { exercise = "shoulder-circles", duration = "30s" },
]

[[routines]]
id = "knot-release"
title = "Knot release"
kind = "micro"
minutes = 4
about = "A ball against the wall for the sore spots between the shoulder blades."
steps = [
    "ball-massage-wall",
    "wall-angel",
    "belly-breathing",
]

[[routines]]
id = "floor-mobility"
title = "Floor mobility"
kind = "micro"
minutes = 3
about = "On a mat: arch, twist and lengthen the upper back."
steps = [
    "cat-cow",
    "thread-the-needle",
    { exercise = "childs-pose-reach", sets = 1 },
]

[[routines]]
id = "floor-strength"
title = "Back strength on the floor"
kind = "micro"
minutes = 3
about = "Steady trunk, strong shoulder blades."
steps = [
    "bird-dog",
    { exercise = "prone-y-raise", sets = 1 },
    { exercise = "prone-t-raise", sets = 1 },
]

[[routines]]
id = "band-break"
title = "Band break"
kind = "micro"
minutes = 3
about = "A few rows with a band, then loosen up."
steps = [
    { exercise = "band-row", sets = 2 },
    "scapular-squeeze",
    { exercise = "thoracic-rotation", reps = 5, hold = "2s" },
]

[[routines]]
id = "roller-reset"
title = "Roller reset"
kind = "micro"
minutes = 3
about = "Roll out the mid-back, then rest in child's pose."
steps = [
    "foam-roller-mid-back",
    { exercise = "childs-pose-reach", sets = 1 },
]

# ---------------------------------------------------------------------------------------
# The daily routine (10 to 20 minutes): every day, or at least four times a week, with the
# effort adjusted to how your back feels that day.

[[routines]]
id = "daily-upper-back"
title = "Daily upper-back routine"
kind = "daily"
minutes = 17
about = "Warm up, turn, open the chest, strengthen, roll out, breathe. Stiff today? Warm up first: a hot-water bottle or a warm shower for 10 to 20 minutes loosens tight muscles; keep cold packs for a fresh flare-up or swelling."
steps = [
    { exercise = "shoulder-circles", duration = "2m" },
    "thoracic-rotation",
    "doorway-pec-stretch",
    { exercise = "band-row", reps = 10, sets = 3 },
    { exercise = "prone-y-raise", reps = 10, sets = 2 },
    "foam-roller-mid-back",
    "lying-belly-breathing",
]

[[routines]]
id = "daily-upper-back-no-equipment"
title = "Daily upper-back routine (no equipment)"
kind = "daily"
minutes = 18
about = "The daily routine with squeezes in place of rows and child's pose in place of the roller. Stiff today? Warm up first: a hot-water bottle or a warm shower for 10 to 20 minutes loosens tight muscles; keep cold packs for a fresh flare-up or swelling."
steps = [
    { exercise = "shoulder-circles", duration = "2m" },
    "thoracic-rotation",
    "doorway-pec-stretch",
    { exercise = "scapular-squeeze", sets = 3 },
    { exercise = "prone-y-raise", reps = 10, sets = 2 },
    { exercise = "childs-pose-reach", hold = "30s", sets = 1 },
    "lying-belly-breathing",
]

[[routines]]
id = "daily-upper-back-standing"
title = "Daily upper-back routine (standing)"
kind = "daily"
about = "The daily routine without the floor or any equipment: on your feet, at a wall and in a doorway. Stiff today? Warm up first: a hot-water bottle or a warm shower for 10 to 20 minutes loosens tight muscles; keep cold packs for a fresh flare-up or swelling."
steps = [
    { exercise = "shoulder-circles", duration = "2m" },
    "walk-and-swing",
    "thoracic-rotation",
    "doorway-pec-stretch",
    { exercise = "scapular-squeeze", sets = 3 },
    { exercise = "wall-angel", sets = 2 },
    { exercise = "belly-breathing", duration = "3m" },
]

# ---------------------------------------------------------------------------------------
# Posture cues, one per posture check, in rotation

[[cues]]
id = "screen-height"
text = "Check your screen: its top third should sit about level with your eyes. If you look down at it all day, raise it on a riser or a few books."

[[cues]]
id = "seat-and-knees"
text = "Set the seat so your knees are about level with your hips and your feet rest flat on the floor."

[[cues]]
id = "lower-back-support"
text = "Put a small cushion or a rolled towel at the curve of your lower back. Supported there, the upper back slumps less."

[[cues]]
id = "keyboard-and-mouse"
text = "Bring keyboard and mouse close, so your elbows rest by your sides. Keep them bent at about a right angle, shoulders relaxed."

[[cues]]
id = "shoulders-down"
text = "Notice your shoulders. If they have crept up towards your ears, let them drop and ease them back."

[[cues]]
id = "breathing"
text = "Take five slow breaths, low in the stomach. A palm on the breastbone should stay almost still while one on the stomach rises and falls."

[[cues]]
id = "stand-up-and-move"
text = "Stand up for a minute: walk a few steps, swing your arms, turn your chest to the left and to the right."

[[cues]]
id = "alternate-sitting-and-standing"
text = "If you can work standing, stand for your next task. Begin with 15 to 20 minutes at a time, longer as the weeks go by."

[[cues]]
id = "heat-before-stretching"
text = "Tight and achy? Warmth first, stretches after: a hot-water bottle on the upper back or a warm shower for 10 to 20 minutes. Cold is only for a sudden flare-up or swelling."

[[cues]]
id = "phone-height"
text = "Reading on your phone? Lift it towards eye level rather than bending your head down to it."

[[cues]]
id = "head-over-shoulders"
text = "Where is your head? If it has drifted towards the screen, draw it back until your ears are over your shoulders."

[[cues]]
id = "upper-back-towel"
text = "Put a small rolled towel behind your upper back, against the chair. It reminds you to sit tall instead of rounding."

[[cues]]
id = "nothing-out-of-reach"
text = "Is something you use all the time out of easy reach? Move it closer, so you stop leaning and hunching for it."

[[cues]]
id = "calls-on-your-feet"
text = "Take your next call, or a meeting you mostly listen to, standing up or walking."

[[cues]]
id = "habits-over-chairs"
text = "A good chair helps less than moving often: sit back in it, feet down, and get up again before long."

"""#
}
