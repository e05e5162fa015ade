"""Demo content for `manage.py load_demo_content`: written for this site, shaped like the reference page."""

AUTHORS = [
    {
        "slug": "hannah-okafor",
        "name": "Hannah Okafor",
        "bio": "Editor of Run Toward Balance. She came to running in her late thirties and still prefers a slow Sunday loop to any race.",
    },
    {
        "slug": "marcus-lindqvist",
        "name": "Marcus Lindqvist",
        "bio": "Certified running coach who has helped hundreds of beginners go from their first minute of jogging to a relaxed, happy 5K.",
    },
    {
        "slug": "elena-ruiz",
        "name": "Elena Ruiz",
        "bio": "Science writer covering exercise, sleep and the brain. She reads the studies closely and says so when the evidence is thin.",
    },
    {
        "slug": "daniela-r",
        "name": "Daniela R.",
        "bio": "Reader from Valencia who fits a short run into her lunch hour.",
    },
    {
        "slug": "walter-b",
        "name": "Walter B.",
        "bio": "Reader from Sacramento who took up run-walking at 58 and now cheers on newcomers in the community area.",
    },
    {
        "slug": "keiko-s",
        "name": "Keiko S.",
        "bio": "Reader from Pittsburgh who runs with her teenage son every Sunday morning.",
    },
]

TOPICS = [
    {
        "slug": "heart-health",
        "name": "Heart health",
        "description": "How running strengthens your heart, blood vessels and the rest of your body.",
    },
    {
        "slug": "mental-health",
        "name": "Mental health",
        "description": "Running as a companion for mood, anxiety and everyday emotional well-being.",
    },
    {
        "slug": "stress",
        "name": "Stress",
        "description": "Using easy movement to release tension and come back to calm.",
    },
    {
        "slug": "sleep",
        "name": "Sleep",
        "description": "How running can help you fall asleep sooner and wake up more rested.",
    },
    {
        "slug": "focus-and-energy",
        "name": "Focus and energy",
        "description": "Clearer thinking and steadier energy from short, well-timed runs.",
    },
    {
        "slug": "science",
        "name": "Science",
        "description": "Research on running, the body and the brain, explained gently and honestly.",
    },
    {
        "slug": "beginners",
        "name": "Beginners",
        "description": "Friendly, practical guidance for your first weeks of running.",
    },
    {
        "slug": "habits",
        "name": "Habits",
        "description": "Small routines and rituals that make running part of ordinary life.",
    },
    {
        "slug": "community",
        "name": "Community",
        "description": "Clubs, friends, families and readers who make showing up easier.",
    },
    {
        "slug": "recovery",
        "name": "Recovery",
        "description": "Rest days, easy days and the habits that help your body adapt.",
    },
]

THEMES = [
    {
        "slug": "benefits-of-running-body-and-mind",
        "title": "Benefits of running: physical and mental health",
        "intro": "Welcome to Run Toward Balance, a friendly place for seasoned runners and anyone wondering whether to start. This theme gathers reader stories, gentle science and simple steps showing how running supports your heart, muscles and mood at the same time. Try something small, then tell us how it went: your first step might encourage someone else's.",
        "featured_days_ago": 0,
        "hero": {
            "palette": "dawn",
            "alt": "A path winding over soft green hills toward a rising sun in a peach-colored sky",
        },
        "sections": [
            {
                "title": "Stronger body, healthier heart",
                "intro": "What regular, easy running changes inside your chest, your bones and your muscles.",
                "articles": [
                    {
                        "slug": "how-running-trains-your-heart",
                        "title": "How steady running trains your heart",
                        "kind": "feature",
                        "author": "elena-ruiz",
                        "summary": "Easy, regular running teaches your heart to do more with every beat. Here is what changes inside, and the small everyday signs that it is working.",
                        "seo_description": "How regular easy running strengthens your heart, lowers resting heart rate and blood pressure, and improves oxygen delivery.",
                        "topics": ["heart-health", "science", "beginners"],
                        "days_ago": 0,
                        "hero": {
                            "palette": "noon",
                            "alt": "A sandy path climbing gently over green hills under a bright midday sun and a clear blue sky",
                        },
                        "body": """
Ask a few regular runners what changed first, and you will rarely hear about race times. You will hear about stairs: the flight up to the office that used to leave them puffing, or the hill on the walk home that now feels like an ordinary part of the street. Those small wins are the visible edge of some quiet work happening inside the chest.

## A heart that does more with each beat

Your heart is a muscle, and like any muscle it adapts to what you ask of it. When you run regularly at an easy, conversational pace, its main pumping chamber gradually becomes able to fill a little more and push out more blood with each contraction. Exercise physiologists call this a larger *stroke volume*.

If every beat moves more blood, your heart doesn't need to beat as often to supply your body at rest. That is why a lower resting heart rate is one of the most common changes people notice after a few months of consistent running. It is not a competition, and your number depends on age, genes and medication, but a gentle downward trend is usually a sign that your training is working.

## Better delivery, not just a stronger pump

The heart is only the start of the journey. Regular aerobic exercise is linked with:

- **More capillaries** in working muscles, so oxygen has more routes to reach the cells that need it.
- **More mitochondria**, the parts of each cell that turn oxygen and fuel into usable energy.
- **More flexible blood vessels**, which helps keep blood pressure in a healthier range.
- **Better cholesterol and blood sugar profiles**, including higher HDL ("good") cholesterol and improved insulin sensitivity for many people.

For people with raised blood pressure, reviews of exercise trials have found that regular aerobic activity lowers readings by a modest but meaningful amount on average. It is not a replacement for medical care, but it is a powerful partner to it.

## You don't need much to benefit

One of the most encouraging findings comes from a large observational study of more than 55,000 adults. Runners in that study, including those who ran only five to ten minutes a day at slow speeds, had a noticeably lower risk of dying from cardiovascular disease than non-runners. Observational research can't prove cause and effect on its own, but the pattern matches what controlled trials show: the biggest jump in benefit comes from going from nothing to something.

> Consistency beats intensity. A relaxed run three times a week, repeated for months, does more for your heart than an occasional all-out effort.

## How to train your heart kindly

- **Keep most runs easy.** You should be able to speak in full sentences. If you can't, slow down or take a walk break.
- **Aim for regularity.** Three short sessions spread across the week make a great foundation.
- **Notice the everyday signs.** Easier stairs, quicker recovery after a brisk walk and calmer breathing on hills are all worth celebrating.
- **Check in with a professional** if you have a known heart condition, take blood pressure medication, or ever feel chest pain, dizziness or an unusual, racing heartbeat while exercising.

If you are just beginning, our [run-walk starter plan](/articles/run-walk-first-weeks/) shows how to build those first easy minutes.
""",
                    },
                    {
                        "slug": "running-builds-bones-and-muscle",
                        "title": "Sturdier bones, stronger legs, easier days",
                        "kind": "feature",
                        "author": "marcus-lindqvist",
                        "summary": "Every stride is a small strength session for your legs and a signal to your skeleton that it is still needed. Here is how running supports bones, muscles and metabolism.",
                        "seo_description": "How running supports bone density, muscle and tendon strength, joint health and blood sugar control, and how to build up safely.",
                        "topics": ["heart-health", "beginners"],
                        "days_ago": 1,
                        "hero": {
                            "palette": "forest",
                            "alt": "A pale trail curving between layered deep-green hills beneath a soft morning sun",
                        },
                        "body": """
Running is often filed under "cardio," as if it only happens above the waist. In reality, every stride is a small strength session for your legs, hips and core, and a gentle reminder to your skeleton that it is still needed. Those changes add up to something simple and valuable: everyday life gets easier.

## Bones that respond to impact

Bone is living tissue that keeps remodeling itself throughout life. When it is loaded, as it is each time your foot meets the ground, cells inside it respond by laying down new material where it is most needed. This is why weight-bearing activities like running, brisk walking and jumping are linked with higher bone density in the hips and legs than non-impact activities such as swimming or cycling.

That matters more as we age, because bone density naturally declines from midlife. Running isn't the only way to protect your skeleton, and people with osteoporosis should get tailored advice, but for many healthy adults it is a practical, enjoyable way to keep bones in the habit of staying strong.

## Muscles, tendons and joints

Each run asks your calves, thighs and glutes to absorb and return energy thousands of times. Over weeks, muscles and tendons become more resilient, and the small stabilizing muscles around your ankles and hips get better at keeping you steady on uneven ground.

What about knees? It is one of the most common worries we hear. Research suggests that recreational running is **not** linked with higher rates of knee osteoarthritis, and some studies find lower rates among recreational runners than among people who are mostly sedentary. Sudden jumps in mileage are a more common culprit for aches than running itself, which is why building gradually matters so much.

## Metabolic health

Working muscles take up glucose from the blood, and regular aerobic exercise is linked with improved insulin sensitivity, meaning your body handles blood sugar more efficiently. Together with the heart and blood vessel changes described in [how steady running trains your heart](/articles/how-running-trains-your-heart/), this is a big part of why running is associated with a lower risk of type 2 diabetes and heart disease.

## Making the most of it

- **Build slowly.** A common rule of thumb is to increase your weekly running time by no more than about 10 percent, and to hold steady some weeks.
- **Add a little strength work.** Two short sessions a week of squats, lunges, calf raises and bridges support the muscles that support you.
- **Vary your surfaces.** Mixing paths, grass and pavement spreads the load.
- **Fuel and rest.** Bones and muscles rebuild between runs, not during them. Enough protein, calcium, vitamin D and sleep all help.

The payoff shows up in ordinary places: carrying groceries up the stairs, chasing a toddler around the park, or walking through a long day of sightseeing without needing to sit down every hour.
""",
                    },
                ],
            },
            {
                "title": "Mental health gains in every mile",
                "intro": "How even short, easy runs can loosen tension, lift mood and clear your head.",
                "articles": [
                    {
                        "slug": "ten-minutes-to-a-quieter-mind",
                        "title": "Ten easy minutes to a quieter mind",
                        "kind": "feature",
                        "author": "hannah-okafor",
                        "summary": "You don't need a long run to feel calmer. A short, easy jog can loosen tight shoulders, slow racing thoughts and make you a little gentler with yourself.",
                        "seo_description": "How a short, easy run can ease muscle tension, quiet racing thoughts and leave you calmer and kinder, plus a simple ten-minute routine to try.",
                        "topics": ["mental-health", "stress", "beginners"],
                        "days_ago": 0,
                        "hero": {
                            "palette": "dusk",
                            "alt": "A quiet path fading into violet hills as a golden sun sinks into an orange evening sky",
                        },
                        "body": """
There is a particular kind of day when your thoughts run laps faster than your legs ever could. The inbox is full, a conversation didn't go the way you hoped, and your shoulders have crept halfway up to your ears. On days like that, a long workout can feel impossible. The good news is that you may not need one.

## Why short runs still count

Research on the immediate effects of exercise suggests that even brief sessions of moderate activity can lift mood and ease feelings of tension. In one small laboratory study in Japan, ten minutes of moderate-intensity running improved participants' mood and their performance on an attention task, alongside increased activity in parts of the brain involved in planning and emotional control. One study is never the whole story, but it fits what many runners describe: the benefit begins sooner than you might expect.

A few things seem to be happening at once:

- **Your muscles let go.** Rhythmic movement warms and loosens muscles that have been held tight, and many people feel physically lighter afterward.
- **Your attention shifts.** Breathing, footsteps and the world around you give your mind something simpler to hold than a loop of worries.
- **Your stress system gets some practice.** Moderate exercise briefly raises stress hormones and then lets them settle, which may help your body rehearse the return to calm.

## Calm that spills over

Readers often tell us that the real surprise isn't how they feel during the run, but how they behave after it. They are more patient in a slow checkout line, less sharp with their kids, more willing to forgive themselves for a mistake. That softer inner voice is worth paying attention to. It doesn't show up on a watch, but it shapes the rest of your day.

## A ten-minute reset to try

1. **Two minutes of brisk walking** to warm up, letting your arms swing.
2. **Six minutes of easy jogging**, slow enough that you could chat. Walk whenever you like.
3. **Two minutes of walking** with long, slow exhales, letting your shoulders drop.

That's it. No special route, no pace target. If ten minutes feels like too much today, start with five.

> You are not trying to earn calm. You are giving your body a chance to remember it.

## Keep it kind

Some days a short run will feel like magic; other days it will simply feel like a short run. Both are fine. Notice how you feel an hour later rather than judging the run itself, and consider jotting a word or two in a notes app. Over a few weeks, those notes often reveal a pattern worth keeping.
""",
                    },
                    {
                        "slug": "running-anxiety-and-low-mood",
                        "title": "Running, anxiety and low mood: what the evidence says",
                        "kind": "feature",
                        "author": "elena-ruiz",
                        "summary": "Regular running is associated with easing anxiety and low mood, and many runners describe a clear-headed calm afterward. Here is what we know, and how to use it well.",
                        "seo_description": "What research says about running, anxiety and depression, why post-run clarity happens, and how to pair running with kind self-talk.",
                        "topics": ["mental-health", "stress", "science"],
                        "days_ago": 1,
                        "hero": {
                            "palette": "sea",
                            "alt": "A path running down between blue-green hills toward the coast under a pale, hazy sun",
                        },
                        "body": """
If you have ever headed out for a run with a knot in your stomach and come home with it loosened, you already know something researchers have been studying for decades. Movement and mood are closely connected, and running is one of the most accessible ways to put that connection to work.

## What the research shows

Large reviews that pool results from many trials have found that regular exercise is linked with meaningful reductions in symptoms of depression and anxiety. Walking and jogging consistently appear among the more helpful options, and in some trials the effects for mild to moderate depression were in a similar range to other established treatments. Results vary between people and between studies, and exercise tends to work best as part of a wider plan rather than on its own.

Scientists think several mechanisms contribute, including changes in brain chemistry, lower inflammation, better sleep, and the simple experience of starting something and finishing it. We explore some of the biology in our pieces on [endorphins and endocannabinoids](/articles/endorphins-endocannabinoids-and-calm/) and [BDNF and a sharper mind](/articles/bdnf-neuroplasticity-and-a-sharper-mind/).

## That post-run clarity

Many runners describe a clear, uncluttered feeling in the hour or two after a run. Problems that felt tangled seem a little easier to sort, and conversations feel less loaded. It is a good window for:

- **Creative work**, like sketching ideas or drafting something you've been putting off.
- **Difficult conversations**, when you are less likely to react defensively.
- **Problem solving**, especially the kind that benefits from stepping back.

## Pair the run with kind self-talk

How you talk to yourself during and after a run shapes how much good it does. If every outing becomes a verdict on your fitness, running can turn into one more thing to feel bad about.

- Swap "I'm so slow" for "I showed up today."
- Count finished runs, not minutes per mile.
- Treat walk breaks as part of the plan, not a failure of it.

## Keep expectations realistic

Running is not a cure, and a bad week is not proof that it "doesn't work for you." Low mood can make it hard to start anything, so lower the bar: shoes on, out the door, five minutes. If you only walk, that still counts.

**A gentle but important note:** if you are living with depression or anxiety, running can be a helpful companion to care, not a replacement for it. Keep talking to your doctor or therapist, don't stop any medication without their guidance, and if you are in crisis or having thoughts of harming yourself, contact your local emergency number or a crisis line right away.
""",
                    },
                ],
            },
            {
                "title": "Reader stories",
                "intro": "Three readers share how running found its way into their workdays, their health and their families.",
                "articles": [
                    {
                        "slug": "lunch-break-reset-by-the-river",
                        "title": "My lunch-break reset by the river",
                        "kind": "story",
                        "author": "daniela-r",
                        "summary": "Daniela swapped desk lunches for a fifteen-minute loop through a riverside park. Her manager noticed the difference before she did.",
                        "seo_description": "A reader's story of a short lunchtime run that brought calmer afternoons, steadier focus and a habit of pausing before reacting.",
                        "topics": ["mental-health", "stress", "habits"],
                        "days_ago": 0,
                        "hero": {
                            "palette": "noon",
                            "alt": "A short path looping across sunny green hills beneath a high noon sun",
                        },
                        "body": """
I work in payroll for a logistics company, which means that around the end of every month my calendar turns into a wall of back-to-back calls. Last spring I realized I was spending my lunch hour eating at my desk, reading the same email three times and feeling my jaw clench whenever my phone buzzed.

## Fifteen minutes, nothing more

Our office is a short walk from the long park that follows the old riverbed through Valencia. One Tuesday, instead of eating at my desk, I changed into the running shoes I'd been keeping in a drawer "for someday" and jogged a loop under the trees. It took fifteen minutes, including a walk break by a fountain. I ate my sandwich afterward on a bench, a little sweaty and oddly pleased with myself.

I didn't plan to make it a habit. I just noticed that the afternoon felt different. I wasn't rushing, and the calls felt like conversations instead of ambushes.

## What changed

I kept going two or three lunchtimes a week. I never got fast, and I still walk up the ramp by the bridge. About a month in, my manager asked, half joking, what I had done with the stressed-out version of me. I hadn't noticed how short I'd been with people until I wasn't anymore.

The biggest lesson wasn't about fitness. Those loops taught me to leave a small gap between something happening and my reaction to it. Now, when a difficult message lands, I take one slow breath before I answer, the same way I settle my breathing on the last stretch back to the office.

## If you want to try it

- Keep a spare shirt, shoes and deodorant at work, so there's no excuse on busy days.
- Block the time in your calendar like any other meeting.
- Start shorter than you think you need to. Ten minutes is plenty.

Some weeks I only manage one run. That's fine. The park will still be there tomorrow.
""",
                    },
                    {
                        "slug": "run-walk-after-a-worrying-checkup",
                        "title": "From a worrying checkup to a steady run-walk",
                        "kind": "story",
                        "author": "walter-b",
                        "summary": "When his doctor flagged rising blood pressure and blood sugar, Walter started with thirty-second jogs. Eight months later, the numbers and his mood had both improved.",
                        "seo_description": "A reader's story: after a concerning checkup, gentle run-walk intervals helped improve his blood pressure, blood sugar and mood.",
                        "topics": ["heart-health", "beginners", "community"],
                        "days_ago": 1,
                        "hero": {
                            "palette": "dawn",
                            "alt": "A winding path leading over misty green hills toward an early-morning sun",
                        },
                        "body": """
Walter B. had always thought of himself as "reasonably healthy." He walked the dog, took the stairs when he remembered, and hadn't set foot in a gym since the 1980s. So when his doctor looked up from a routine checkup last year and said his blood pressure and blood sugar were both creeping in the wrong direction, the 58-year-old from Sacramento drove home unusually quiet.

## Starting smaller than small

His doctor suggested more regular activity and cleared him to try gentle running alongside his walks. Walter was skeptical. "The last time I ran, it was for a bus, and I missed it," he told us.

He began with a plan that felt almost silly: thirty seconds of slow jogging, then two full minutes of walking, repeated for twenty minutes along the river trail near his house. Three mornings a week, before the heat set in. Some days the jogging parts were barely faster than his walk. He did them anyway.

## Slowly, then noticeably

Every couple of weeks he added a few seconds of jogging. By the third month he could jog for two minutes at a time. He also cut back on salty snacks after dinner and started sleeping better, which he suspects helped as much as anything.

At his eight-month follow-up, his blood pressure readings had moved into a healthier range and his blood sugar had improved too. His doctor was pleased and asked him to keep going. What surprised Walter most was his mood. "I'm less grumpy before lunch," he says. "My wife will confirm."

## The part he didn't expect

What kept him going on gray mornings was a thread in our community area, where he had posted his first week's plan a little sheepishly. Strangers cheered every small milestone, and he now does the same for newcomers.

> "Nobody cared how slow I was. They cared that I came back the next week."

If your own checkup has left you worried, talk to your doctor first, then take a look at our [run-walk starter plan](/articles/run-walk-first-weeks/).
""",
                    },
                    {
                        "slug": "sunday-miles-with-my-son",
                        "title": "Sunday miles with my son",
                        "kind": "story",
                        "author": "keiko-s",
                        "summary": "A one-off run to help her son prepare for soccer tryouts turned into a weekly ritual, complete with a halfway bench and a bakery finish.",
                        "seo_description": "A parent's story of a weekly run with her teenage son that became a family ritual of talk, comfortable silence and better Sunday nights.",
                        "topics": ["community", "habits", "sleep"],
                        "days_ago": 2,
                        "hero": {
                            "palette": "forest",
                            "alt": "A broad path bending through wooded green hills on a calm, bright morning",
                        },
                        "body": """
It started with a soccer tryout. My son Jonah, who was fourteen at the time, announced one Thursday that he needed to "get fit by next month" and asked, without much enthusiasm, whether I would run with him. I said yes before either of us could change our minds.

## The first Sunday

That first morning was not glamorous. We set off along the river trail near our house in Pittsburgh, and within ten minutes we were both walking, red-faced and laughing at how hard it was. We turned around at a bench we now call "the halfway bench" and finished at the bakery on the corner, which has since become an unofficial part of the route.

Jonah made the team. I assumed that would be the end of it. Instead, the following Sunday, he knocked on my door at eight and asked if we were going.

## What we talk about (and what we don't)

We run about two and a half miles now, mostly without stopping. Some Sundays we talk the whole way: school, friends, a video game I will never understand, and once, unexpectedly, a worry he had been carrying for weeks. Other Sundays we barely say a word, and that has turned out to be just as good. Running side by side, rather than face to face, seems to make big things easier to say and silence easier to share.

## What changed at home

We both sleep better on Sunday nights. We still disagree about screen time and laundry, but the arguments blow over faster. I think it's because we have a standing hour each week where we are simply on the same side.

## If you'd like to start your own

- **Let the younger runner set the pace,** or at least take turns.
- **Pick a landmark to turn around at,** so there's no debate about distance.
- **Build in a treat.** Ours is a cinnamon roll. Yours might be a playground stop or a hot chocolate.
- **Keep it optional.** The ritual lasts because neither of us feels forced.

Jonah is sixteen now and faster than me. He still waits at the halfway bench.
""",
                    },
                ],
            },
            {
                "title": "The science, gently explained",
                "intro": "What researchers think is happening in your brain and body when you run, with honest notes on the evidence.",
                "articles": [
                    {
                        "slug": "endorphins-endocannabinoids-and-calm",
                        "title": "Endorphins, endocannabinoids and the calm after a run",
                        "kind": "science",
                        "author": "elena-ruiz",
                        "summary": "The runner's high is real for some people, but the chemistry is more interesting than the old endorphin story. Here is what researchers think is going on.",
                        "seo_description": "Endorphins, endocannabinoids and the runner's high: what the science says about why moderate running can ease pain and leave you calm.",
                        "topics": ["science", "mental-health", "stress"],
                        "days_ago": 0,
                        "hero": {
                            "palette": "sea",
                            "alt": "Soft teal hills and a winding path under a pale sun in a clear seaside sky",
                        },
                        "body": """
For decades, the feel-good glow after a run was credited to one molecule: the endorphin. The real picture turns out to be more nuanced, and in some ways more interesting. Here is a gentle tour of what scientists currently think, and where the evidence is still thin.

## The endorphin story

Endorphins are the body's own opioids, chemical messengers that help dampen pain. Their levels in the blood rise during prolonged or strenuous exercise, which made them an obvious suspect for the runner's high. The catch is that endorphins circulating in the blood are large molecules that don't easily cross into the brain.

That doesn't rule them out. Brain imaging studies have found signs of opioid release inside the brain after long runs, and these molecules probably contribute to the pain relief many runners notice. But they may not explain the calm, contented feeling on their own.

## Enter the endocannabinoids

Your body also makes its own cannabinoids, called endocannabinoids. One of the best studied, anandamide, rises in the blood during moderate aerobic exercise. Unlike endorphins, these molecules are small and fat-soluble, so they can reach the brain, where they are linked with reduced anxiety, pain relief and a sense of well-being.

A few findings are worth knowing:

- **Intensity seems to matter.** In one study, anandamide rose most during moderate running, not during slow walking or very hard efforts. That "comfortably steady" zone may be the sweet spot.
- **Mouse studies point the same way.** In research with mice, blocking cannabinoid receptors removed the calming and pain-dulling effects of running, while blocking opioid receptors did not.
- **Early human evidence agrees.** A small study published in 2021 gave runners a drug that blocks opioid receptors. They still reported euphoria and less anxiety after running, which suggests other systems, likely including endocannabinoids, play a major role.

These are small studies, and brain chemistry is complex, so it is fair to call the endocannabinoid system a strong candidate rather than a settled answer.

## What it feels like in real life

Most runners don't experience a dramatic high, and that is completely normal. What many people do describe is subtler: a lightness that makes the dishes feel less of a chore, a softer reaction to small irritations, a body that aches a little less. Those everyday shifts are worth more than a rare peak.

## Putting it to work

- **Aim for moderate effort.** Breathing a little harder, but still able to talk in short sentences.
- **Give it time.** Many people notice the effect after 20 to 30 minutes, though shorter runs still help mood.
- **Don't chase it.** If you don't feel a buzz, your run still did plenty of good.

> The calm after a run isn't a prize you earn through suffering. It tends to show up most reliably at a steady, comfortable effort.
""",
                    },
                    {
                        "slug": "bdnf-neuroplasticity-and-a-sharper-mind",
                        "title": "How running helps your brain adapt: BDNF and neuroplasticity",
                        "kind": "science",
                        "author": "elena-ruiz",
                        "summary": "Aerobic exercise is linked with higher levels of BDNF, a protein that helps brain cells grow and connect. Here is what that may mean for memory and focus.",
                        "seo_description": "How running raises BDNF, supports neuroplasticity and may help memory and focus over time, explained simply with honest notes on the evidence.",
                        "topics": ["science", "focus-and-energy", "mental-health"],
                        "days_ago": 1,
                        "hero": {
                            "palette": "noon",
                            "alt": "A path threading between rolling green hills toward a bright sun high in a cloudless sky",
                        },
                        "body": """
Your brain is not fixed. Throughout life it keeps forming new connections, pruning unused ones and, in a few regions, even growing new neurons. Scientists call this capacity *neuroplasticity*, and one of the most consistent ways to support it appears to be regular aerobic exercise, including running.

## Meet BDNF

Brain-derived neurotrophic factor, usually shortened to BDNF, is a protein that helps neurons survive, grow and form new connections. It is sometimes nicknamed "fertilizer for the brain," which oversimplifies things but captures the idea.

Studies suggest that:

- **Aerobic exercise raises BDNF levels** in the blood, often during and shortly after a session, with moderate to vigorous efforts tending to produce larger increases.
- **In animal studies, running boosts the growth of new neurons** in the hippocampus, a region central to learning and memory.
- **Regular training may raise BDNF over time**, although results in humans vary between studies and between individuals.

## From molecules to memory

The hippocampus tends to shrink slowly as we age. In one well-known year-long trial, older adults who did brisk walking three times a week showed a modest increase in hippocampal volume, while a comparison group who did stretching showed the usual small decline. Changes in BDNF were associated with the changes in hippocampal size and with memory performance.

It is a single trial, in older adults, using walking rather than running. But it fits a broader body of research linking aerobic fitness with better memory, attention and *executive function*, the set of skills we use to plan, switch between tasks and resist distraction.

## What you might notice

Over weeks and months, some runners report:

- Remembering names and details a little more easily.
- Staying with a task longer before reaching for their phone.
- Bouncing back faster from mentally draining days.

These are personal impressions rather than lab measurements, and everyone's experience differs. Still, they line up with what the research would predict.

## Honest caveats

Running won't turn you into a genius, and it can't prevent every form of cognitive decline. Sleep, social connection, learning new skills and managing blood pressure all matter too. Think of running as one strong thread in a wider web of brain-friendly habits.

## A brain-friendly running week

1. **Two or three easy runs** of 20 to 40 minutes, at a pace where you can talk.
2. **One session with a little more effort**, such as a few short, gentle pickups, once easy running feels comfortable.
3. **Something new**: a fresh route, a trail, or a run with a friend. Novelty and social contact seem to give the brain extra to work with.

To see how running can help your focus on a single day, read [a twenty-minute run before the hard task](/articles/twenty-minute-run-for-focus/).
""",
                    },
                    {
                        "slug": "rhythm-cadence-and-breathing",
                        "title": "The rhythm that regulates: cadence, breath and a steadier you",
                        "kind": "science",
                        "author": "marcus-lindqvist",
                        "summary": "Steady footsteps and steady breathing tend to fall into step with each other. That rhythm may help explain why easy runs leave body and mind feeling settled.",
                        "seo_description": "How running cadence, breathing rhythm and heart rate interact, why rhythmic running feels grounding, and simple ways to find your steady beat.",
                        "topics": ["science", "stress", "beginners"],
                        "days_ago": 2,
                        "hero": {
                            "palette": "dusk",
                            "alt": "A path curving in an even rhythm over layered purple hills beneath a low amber sun",
                        },
                        "body": """
Watch a relaxed runner from a distance and you'll notice something almost musical: feet landing at an even tempo, arms swinging in time, breath rising and falling in a regular pattern. That rhythm isn't just pleasant to look at. It may be part of why easy running leaves so many people feeling grounded.

## Footsteps and breath fall into step

Researchers have long observed that runners' breathing tends to synchronize with their stride, a phenomenon called *locomotor-respiratory coupling*. Many people settle into patterns like breathing in for two or three steps and out for two or three steps, without ever thinking about it. The coupling is looser in humans than in four-legged animals, and it shifts with pace and fitness, but it is common.

When breath and stride line up, running can feel smoother and less effortful. It also gives your attention a simple, repeating pattern to rest on, a little like counting breaths in meditation.

## A calmer nervous system over time

Your heart rate varies slightly from beat to beat, and that variability reflects the balance between the "accelerator" and "brake" branches of your nervous system. Regular aerobic training is linked with higher heart rate variability at rest, a sign that the calming, parasympathetic brake is working well. Higher variability is generally associated with better stress resilience, although it is shaped by many other factors, including sleep, age and illness.

Slow, extended exhalations also seem to engage that calming branch, which is why a long out-breath during your cool-down can feel so settling.

## What about cadence?

Cadence is simply how many steps you take per minute. There's no single perfect number; it depends on your height, speed and experience. Still, many beginners overstride, reaching far ahead with each foot. Research suggests that increasing cadence modestly, by around 5 to 10 percent, tends to shorten the stride and reduce the load on the knees and hips.

## Finding your own rhythm

1. **Count your steps** for 30 seconds on an easy run, then double the number to get your steps per minute.
2. **Try a slightly quicker beat.** Add a few steps per minute by taking shorter, lighter steps, not by running faster.
3. **Notice your breathing pattern.** Don't force it; just observe whether it falls into a count.
4. **Lengthen the exhale when you walk.** During the last few minutes, breathe in for three steps and out for four or five.

> Rhythm gives a busy mind something simple to follow, and a busy body a chance to settle.

Many runners find that this grounded, steady feeling stays with them long after they've walked it off. It's one more reason to keep your easy runs truly easy. For more on posture and stride, see our [form basics guide](/articles/running-form-basics/).
""",
                    },
                ],
            },
            {
                "title": "Sleep, focus and daily energy",
                "intro": "How running can help you rest more deeply at night and think more clearly by day.",
                "articles": [
                    {
                        "slug": "run-days-and-better-sleep",
                        "title": "Why run days often end in better sleep",
                        "kind": "feature",
                        "author": "elena-ruiz",
                        "summary": "Regular running is linked with falling asleep faster and sleeping more deeply. A few timing tweaks, from morning light to earlier coffee, can help you make the most of it.",
                        "seo_description": "How regular running can help you fall asleep faster and sleep more deeply, with tips on timing, caffeine and winding down after evening runs.",
                        "topics": ["sleep", "science", "habits"],
                        "days_ago": 0,
                        "hero": {
                            "palette": "night",
                            "alt": "A moonlit path winding between dark blue hills beneath a calm night sky",
                        },
                        "body": """
Ask runners what they love about a good training week and many will mention something that happens long after they've kicked off their shoes: sleep. On run days, they often drift off sooner, wake less during the night and greet the morning with a clearer head instead of a fog.

## What the research suggests

Reviews of exercise studies have found that regular physical activity is linked with better overall sleep quality, including modest improvements in how quickly people fall asleep and how long they stay asleep. Some studies also find more time spent in deep, slow-wave sleep, the stage most associated with physical restoration.

Several mechanisms may be at work:

- **Body temperature.** Exercise raises your core temperature; the gradual cooling afterward may help signal that it's time to sleep.
- **Stress and mood.** Running is linked with lower anxiety, and a calmer mind is less prone to the late-night worry loops that keep people awake.
- **Healthy tiredness.** Physical effort builds up the body's natural pressure to sleep.
- **Daylight.** Outdoor runs, especially in the morning, give your internal clock a strong timing cue.

## Does timing matter?

For most people, the best time to run is whenever you'll actually do it. Research suggests that moderate evening exercise doesn't harm sleep for most healthy adults, and may even help. Very hard sessions that finish close to bedtime are a different story for some people, because heart rate and alertness can stay elevated. If you run late, try to finish vigorous efforts at least an hour before bed, and pay attention to how you sleep afterward.

Morning runners get a bonus: bright outdoor light early in the day helps anchor your body clock, which can make it easier to feel sleepy at a sensible hour that evening.

## Small habits that help

1. **Watch the afternoon coffee.** Caffeine lingers in the body for hours, and many people sleep better when they stop by early afternoon.
2. **Cool down properly.** Five minutes of walking and a few gentle stretches help your body shift gears.
3. **Eat and drink sensibly.** A light snack after an evening run is kinder to your sleep than a heavy meal right before bed.
4. **Keep a steady schedule.** Going to bed and waking up at roughly the same times makes every other sleep habit work better.

## A note on patience

Sleep improvements from exercise tend to build over weeks rather than appearing overnight. If you have ongoing insomnia, loud snoring or daytime sleepiness that doesn't improve, talk to a doctor. Running can support good sleep, but it isn't a fix for every sleep problem.
""",
                    },
                    {
                        "slug": "twenty-minute-run-for-focus",
                        "title": "A twenty-minute run before the hard task",
                        "kind": "feature",
                        "author": "hannah-okafor",
                        "summary": "A brisk, short run can sharpen attention for a while afterward without leaving you wired. Here is how to use it before demanding work, and how to test it for yourself.",
                        "seo_description": "How a short, brisk run can lift focus and energy before demanding work, with a simple two-week experiment to see if it clears your mental fog.",
                        "topics": ["focus-and-energy", "habits"],
                        "days_ago": 1,
                        "hero": {
                            "palette": "dawn",
                            "alt": "A clear path running straight toward a bright sunrise over gentle green hills",
                        },
                        "body": """
We all know the feeling: a complicated task sits at the top of your list, and the longer you look at it, the foggier your brain becomes. Another cup of coffee helps for a moment, then leaves you jittery. A short run may be a better way to change gears.

## What happens to focus after a run

Studies of single exercise sessions suggest that moderate aerobic activity gives a small but real boost to attention and *executive function*, the mental skills we use to plan, prioritize and ignore distractions. The effect appears shortly after exercise and, in many studies, fades over the following couple of hours.

*Moderate* is the key word. Very long or exhausting efforts can leave you too drained to think clearly, at least at first. Twenty minutes of brisk running seems to land in a helpful middle ground: enough to wake up body and brain, not so much that you need a nap.

## Energy without the jitters

Many people worry that exercise will leave them tired for the rest of the day. In practice, regular activity is linked with *less* fatigue over time. Your body becomes more efficient at producing energy, and short sessions often feel energizing rather than draining, especially when they're done outdoors in daylight.

## How to use it

- **Schedule the run just before the tough task,** not after it as a reward.
- **Keep the pace brisk but conversational.** You should finish feeling awake, not wrecked.
- **Allow ten minutes to transition.** Change, drink some water and have a small snack if you need one.
- **Start the task while the window is open.** Open the document, write the first line, make the first call.
- **Silence notifications** for the run and the first stretch of work afterward.

## Try a two-week experiment

If you're curious whether this works for you, test it:

1. Pick one kind of demanding work you do regularly, such as writing, budgeting or studying.
2. On alternate days, do a twenty-minute run beforehand; on the others, start as usual.
3. After each session, rate your focus from 1 to 5 and note how easily you got started.

After two weeks, compare the scores. You might find the fog lifts and planning comes more easily on run days, or you might discover that your best slot is somewhere else entirely. Either way, you'll have learned something useful about your own rhythm. Share what you find with other readers in the community area.

## If twenty minutes isn't possible

Even ten minutes of brisk walking or easy jogging can help. The goal is to get your body moving and your mind out of the loop it was stuck in, not to log a perfect workout.
""",
                    },
                ],
            },
            {
                "title": "Getting started gently and safely",
                "intro": "A beginner-friendly plan and a few form cues to help your first runs feel good.",
                "articles": [
                    {
                        "slug": "run-walk-first-weeks",
                        "title": "Run-walk for beginners: your first eight weeks",
                        "kind": "guide",
                        "author": "marcus-lindqvist",
                        "summary": "Start with 60 seconds of easy jogging and 90 seconds of walking for fifteen minutes, then build slowly. This gentle plan shows you how, week by week.",
                        "seo_description": "A gentle run-walk plan for beginners: start with 60 seconds jogging and 90 seconds walking, build week by week, and stay safe along the way.",
                        "topics": ["beginners", "habits", "heart-health"],
                        "days_ago": 2,
                        "hero": {
                            "palette": "noon",
                            "alt": "A flat, sandy path stretching across easy green hills under a clear midday sky",
                        },
                        "body": """
If you've never run before, or it's been years, the idea of jogging for thirty minutes straight can feel out of reach. The run-walk method takes that pressure away. You alternate short, easy jogs with walking breaks and let your body adapt gradually. It's how many lifelong runners began, and it's a great way to return after time off.

## Before you start: a quick safety check

Running is safe for most people, but please **check with your doctor first** if you have a heart condition, high blood pressure, diabetes or a joint problem, if you are pregnant, or if you haven't been active for a long time. Stop and seek medical help right away if you feel chest pain or pressure, severe breathlessness, faintness or dizziness, or a racing or irregular heartbeat.

## How the plan works

- **Three sessions a week,** with at least one rest or easy walking day between them.
- **Start every session with five minutes of brisk walking** and finish with five minutes of easy walking.
- **Jog at a truly easy pace.** You should be able to speak in full sentences. If you can't, slow down; it's fine if your jog is barely faster than a walk.
- **Repeat the intervals** for roughly the time listed, rounding to the nearest full interval.

## The week-by-week plan

| Week | Jog | Walk | Intervals last about |
|------|-----|------|----------------------|
| 1 | 60 seconds | 90 seconds | 15 minutes |
| 2 | 90 seconds | 90 seconds | 15 minutes |
| 3 | 2 minutes | 90 seconds | 18 minutes |
| 4 | 3 minutes | 90 seconds | 18 minutes |
| 5 | 4 minutes | 90 seconds | 20 minutes |
| 6 | 5 minutes | 1 minute | 20 minutes |
| 7 | 7 minutes | 1 minute | 24 minutes |
| 8 | 10 minutes | 1 minute | 22 minutes |

## Listen to your body, not the calendar

The table is a guide, not a contract. It's completely normal to repeat a week, or even two. Stay where you are if:

- You finished the last session feeling wiped out rather than pleasantly tired.
- You have soreness that lasts more than a couple of days.
- Life got busy and you missed sessions.

Mild muscle soreness in the first weeks is common. Sharp pain, pain that makes you limp, or pain that gets worse as you run is a signal to stop and rest, and to get it checked if it doesn't settle.

## Simple tips for a good start

- **Comfortable shoes matter more than fancy gear.** If you can, get fitted at a running store.
- **Pick a flat, familiar route** for the first few weeks.
- **Use a timer app** with interval alerts so you don't have to watch the clock.
- **Celebrate small milestones,** like your first full session or your first two-minute jog. Tell us about them in the community area; we love to cheer.

Once the intervals feel comfortable, our [form basics guide](/articles/running-form-basics/) will help you run tall, relaxed and light.
""",
                    },
                    {
                        "slug": "running-form-basics",
                        "title": "Running form basics: tall, relaxed, quick and light",
                        "kind": "guide",
                        "author": "marcus-lindqvist",
                        "summary": "You don't need perfect technique, just a few simple cues: run tall, relax your shoulders, take quick light steps and listen to what your body tells you.",
                        "seo_description": "Simple running form cues for beginners: tall posture, relaxed shoulders, quick light steps, easy breathing, and how to listen to your body.",
                        "topics": ["beginners", "habits"],
                        "days_ago": 3,
                        "hero": {
                            "palette": "forest",
                            "alt": "A narrow trail rising steadily through fresh green hills under a soft pale sun",
                        },
                        "body": """
Good running form isn't about looking like an athlete in a magazine. It's about moving in a way that feels comfortable, uses energy efficiently and keeps aches at bay. Every body is different, so there's no single perfect technique, but a few simple cues help most runners.

## Run tall

Imagine a string gently lifting the top of your head toward the sky. Your spine lengthens, your chest opens and your hips stay underneath you instead of sagging behind. From there, lean very slightly forward from the ankles, not the waist, as if you were walking into a light breeze.

**Quick check:** a line from your ear through your shoulder and hip should be close to straight.

## Relax your shoulders and hands

Tension tends to collect around the neck and shoulders, especially when you're tired. Every few minutes:

- Let your shoulders drop away from your ears.
- Unclench your jaw and soften your face.
- Hold your hands loosely, as if carrying a potato chip you don't want to crush.
- Swing your arms forward and back, elbows bent at roughly a right angle, rather than across your body.

## Quick, light steps

Many beginners overstride, reaching the foot far out in front and landing heavily on the heel. This acts like a brake and sends more force up the leg. Instead:

- **Aim for your foot to land roughly under your hips,** not far out in front.
- **Take slightly shorter, quicker steps.** A small increase in step rate often fixes overstriding on its own.
- **Think "quiet feet."** If you can hear yourself slapping the ground, try to land more softly.

You don't need to force a particular foot strike. Heel, midfoot and forefoot landings can all work well when your foot lands close under your body.

## Breathe in a relaxed rhythm

Breathe through your mouth and nose together, and let your belly move. If you're gasping, slow down or walk; easy runs should feel conversational. Our piece on [rhythm, cadence and breathing](/articles/rhythm-cadence-and-breathing/) explains why a steady beat feels so good.

## Listen to your body

What your body tells you counts for more than textbook technique.

- **Normal:** heavy legs, mild muscle soreness a day or two later, harder breathing on hills.
- **Ease off:** niggles that linger, soreness that changes the way you walk, feeling exhausted for days.
- **Stop and get checked:** sharp or worsening pain, swelling, chest pain, dizziness or an irregular heartbeat.

## Practice one cue at a time

Changing everything at once is tiring and rarely sticks. Pick one cue, such as relaxed shoulders, and focus on it for a week of runs. Then add another. Ask a friend to film ten seconds of your running, or bring your questions to the community discussion, where experienced runners are happy to offer friendly pointers.
""",
                    },
                ],
            },
            {
                "title": "Community, accountability and motivation",
                "intro": "Company, rituals and kind goals that make it easier to keep showing up.",
                "articles": [
                    {
                        "slug": "finding-your-running-people",
                        "title": "Finding your running people",
                        "kind": "feature",
                        "author": "hannah-okafor",
                        "summary": "Running alone is lovely, but running with others makes showing up easier. Here is how to find a club, a coworker loop or an online group that fits.",
                        "seo_description": "How to find running company that suits you, from local clubs and coworker loops to online groups, and how to connect with readers nearby.",
                        "topics": ["community", "beginners"],
                        "days_ago": 0,
                        "hero": {
                            "palette": "sea",
                            "alt": "A wide coastal path between blue-green hills under a bright, breezy sky",
                        },
                        "body": """
Some runs are best alone. But on the mornings when your bed feels especially warm, knowing that someone is waiting for you at the corner can make all the difference. Company turns a good intention into a plan.

## Where to look

- **Local running clubs.** Many host beginner groups with a leader who stays at the back so nobody runs alone. Look for phrases like *all paces welcome* or *social run*.
- **Free weekly community runs.** Timed 5K events in local parks are popular in many countries and often welcome walkers too.
- **Running stores.** Plenty of them host a free group run one evening a week, with no pressure to buy anything.
- **Coworker loops.** Ask in your team chat whether anyone would like to join a lunchtime or after-work jog. Two people is a group.
- **Online groups and threads.** Posting a weekly check-in with people online can be surprisingly motivating, especially if your schedule is unpredictable.

## Finding the right fit

Give a group two or three tries before deciding; first sessions are always a little awkward. A good group makes you feel welcome at any pace, and it's perfectly fine to move on if one doesn't.

## Let's connect

Head to the community area and tell us which city or town you run in. Readers nearby can suggest friendly groups and beginner routes, and you might find a running buddy just around the corner. If you already run with a group you love, mention it there too. Someone out there is waiting for exactly that invitation.
""",
                    },
                    {
                        "slug": "small-running-rituals",
                        "title": "Small rituals that get you out the door",
                        "kind": "feature",
                        "author": "marcus-lindqvist",
                        "summary": "Motivation comes and goes; rituals stay. Put runs in your calendar, get your clothes ready before bed, and finish each run with a one-line note.",
                        "seo_description": "Simple running rituals that make showing up easier: put runs in your calendar, prepare your clothes before bed and keep a short post-run journal.",
                        "topics": ["habits", "community"],
                        "days_ago": 1,
                        "hero": {
                            "palette": "dawn",
                            "alt": "A familiar path winding from the foreground toward a soft pink sunrise over the hills",
                        },
                        "body": """
Motivation is wonderful when it shows up, but it's unreliable. Rituals are steadier. They take the decision out of the moment, so you don't have to argue with yourself every time.

## Book it like an appointment

Put your runs in your calendar with a time and a place, the same way you'd book a haircut or a dentist visit. When someone asks whether you're free, you can honestly say you already have plans. You do: a meeting with yourself.

## Get everything ready before bed

Lay out your shoes, socks, clothes and anything else you need, like a hat or a headlamp. In the morning there's nothing to search for and nothing to decide. Some runners even sleep in their running shirt. No judgment here.

## Close with a note

After each run, take one minute to write a short journal entry. It can be as simple as:

- Where you went and for how long
- One word for how you felt before, and one for after
- One thing you noticed: a sunrise, a friendly dog, a hill that felt easier

Over time, these notes become a record of progress that a watch can't capture, and a reminder, on hard days, of how good you usually feel afterward.

## Make it yours

Maybe it's a particular playlist, a stretch by the front door or a cup of tea reserved for after runs. Small, repeated cues tell your brain it's time to move.

What's your ritual? Share it in the community area. Your small routine might be exactly the nudge someone else needs.
""",
                    },
                    {
                        "slug": "seasonal-running-goals",
                        "title": "Seasonal goals that grow with you",
                        "kind": "feature",
                        "author": "marcus-lindqvist",
                        "summary": "A relaxed 5K, quieter starts to the day or more restful nights: choose goals that suit this season of your life, check in monthly, and adjust them kindly.",
                        "seo_description": "How to set kind, seasonal running goals, from a feel-good 5K to calmer mornings and better sleep, with monthly check-ins and gentle adjustments.",
                        "topics": ["habits", "beginners", "sleep"],
                        "days_ago": 2,
                        "hero": {
                            "palette": "dusk",
                            "alt": "A path leading over rolling hills toward a warm sun setting in a purple and orange sky",
                        },
                        "body": """
Goals give running a direction, but the wrong goal at the wrong time can turn a joyful habit into a source of guilt. The answer isn't to stop setting goals; it's to choose ones that fit the season you're in.

## Pick a goal that suits your life right now

- **A feel-good 5K.** Not a personal best, but a 5K you finish smiling, whether you run, run-walk or chat the whole way.
- **Calmer mornings.** Three short runs a week before work, to start the day with a clear head.
- **Better sleep.** Regular runs plus a steady bedtime, with the aim of waking up more rested.
- **Simply staying consistent.** Through a busy stretch at work or a new baby at home, "keep moving twice a week" is an excellent goal.

## Check in once a month

At the start of each month, look back at your notes and ask three questions:

1. What went well?
2. What got in the way?
3. What small change would help next month?

Post your update for other readers in the community area if you like. Saying a goal out loud, even to friendly strangers, tends to make it feel more real.

## Adjust with kindness

Life shifts: injuries, illness, new jobs, caring for family, heat waves and dark winters. Changing a goal isn't quitting; it's good coaching. Swap "run a 5K in June" for "run-walk three times a week until my knee settles," and count that as a success.

For steady support, subscribe to our newsletter for a monthly planning prompt and gentle guidance through every season.
""",
                    },
                ],
            },
        ],
    },
    {
        "slug": "rest-recovery-and-the-dark-months",
        "title": "Rest, recovery and running through the dark months",
        "intro": "Progress happens between runs as much as during them. This theme looks at rest days, simple recovery habits, and how to keep running kindly and safely when the days are short and cold.",
        "featured_days_ago": 21,
        "hero": {
            "palette": "night",
            "alt": "A silver moon over dark rolling hills, with a pale path curving toward the horizon",
        },
        "sections": [
            {
                "title": "Rest is part of the plan",
                "intro": "Why easy days and rest days are where much of running's benefit is built.",
                "articles": [
                    {
                        "slug": "rest-days-make-you-stronger",
                        "title": "Why rest days make you a stronger runner",
                        "kind": "feature",
                        "author": "marcus-lindqvist",
                        "summary": "Training is the signal; rest is when your body answers it. Here is why easy days and rest days matter, and how to spot when you need more of them.",
                        "seo_description": "Why rest and easy days help you get fitter, how to plan them into your running week, and the warning signs that you need more recovery.",
                        "topics": ["recovery", "beginners", "habits"],
                        "days_ago": 25,
                        "hero": {
                            "palette": "dusk",
                            "alt": "A quiet path resting between dusky violet hills as the sun settles low in the evening sky",
                        },
                        "body": """
It's easy to assume that every run makes you fitter. In fact, a run on its own mostly makes you a little more tired. The fitness comes afterward, while you rest, as your body repairs and adapts to the work you've asked of it.

## How adaptation works

Running places a manageable stress on your muscles, tendons, bones, heart and energy systems. In the hours and days that follow, your body responds by rebuilding those tissues slightly stronger and more efficient than before. Coaches often describe this as a cycle of *stress, recovery and adaptation*.

Skip the recovery, and the cycle breaks. Stress piles on stress, and instead of getting fitter you feel flatter, heavier and more prone to niggles.

## Easy days count too

Not every recovery day has to be a day off. Many experienced runners follow a simple pattern: most of their running is genuinely easy, with only a small share at harder efforts. Easy runs build your aerobic base while leaving enough energy for your body to adapt. If you're a beginner, almost all of your running should be easy.

A good test: on an easy day, you could hold a conversation the whole way. If you're gasping out single words, it isn't an easy day.

## How much rest do you need?

There's no universal formula, but these guidelines suit most recreational runners:

- **Beginners:** at least one rest day between runs, so three runs a week is plenty.
- **Regular runners:** at least one full rest day a week, plus easy days after harder sessions or long runs.
- **Everyone:** a lighter week every month or so, with less running than usual, helps your body absorb the work.

Rest days don't have to mean the sofa, although they can. Walking, gentle cycling, yoga or stretching are all good choices.

## Signs you need more recovery

- A resting heart rate noticeably higher than usual for several mornings in a row
- Persistent tiredness or heavy legs that don't lift after a few days
- Trouble sleeping, irritability or low motivation
- Aches that linger or keep returning in the same place
- Catching every cold that goes around

If several of these show up together, take a few easy days or a full break. If they don't improve, it's worth checking in with a doctor, as fatigue can have many causes.

> Rest isn't a break from your training. It's the part of your training where the benefits arrive.
""",
                    },
                    {
                        "slug": "gentle-recovery-routine",
                        "title": "A gentle recovery routine for after every run",
                        "kind": "guide",
                        "author": "hannah-okafor",
                        "summary": "Ten calm minutes after a run can help you feel better for the rest of the day. Here is a simple routine covering the cool-down, stretching, food, fluids and sleep.",
                        "seo_description": "A simple post-run recovery routine: cool down, stretch gently, refuel and rehydrate, and protect your sleep so you feel fresher next time.",
                        "topics": ["recovery", "sleep", "beginners"],
                        "days_ago": 24,
                        "hero": {
                            "palette": "forest",
                            "alt": "A gentle path easing down through soft green hills under a mild, hazy sun",
                        },
                        "body": """
The minutes right after a run are easy to rush. You stop your watch, head inside and dive straight back into the day. But a short, calm routine can help your body shift gears and leave you feeling better for your next outing.

## 1. Cool down for five minutes

Instead of stopping abruptly, finish with three to five minutes of easy walking. This lets your heart rate and breathing come down gradually and gives you a moment to notice how you feel. Try lengthening your exhale: breathe in for three steps and out for five.

## 2. Stretch gently, if it feels good

Research on whether stretching prevents soreness or injury is mixed, so think of it as a way to relax rather than a must-do. A few minutes of gentle movement can feel lovely:

- **Calf stretch** against a wall, about 30 seconds each side
- **Standing quad stretch**, holding a fence or wall for balance
- **Hamstring stretch** with one heel on a low step
- **Hip flexor stretch** in a kneeling lunge
- **Child's pose** or a slow forward fold to finish

Stretch to mild tension, never pain, and breathe slowly throughout.

## 3. Drink and refuel

Drink some water when you get in, and more if it was warm or you sweated heavily. For short, easy runs, your normal meals are usually enough. After longer or harder runs, a meal or snack with carbohydrates and some protein within a couple of hours helps restock energy and support muscle repair. Yogurt with fruit, eggs on toast or a bean wrap all work well.

## 4. Change and warm up

Get out of damp clothes promptly, especially in cold weather. A warm shower and a dry layer help your body relax and keep you from getting chilled.

## 5. Protect your sleep

Sleep is the most powerful recovery tool there is. Much of the body's repair work happens during deep sleep, and most adults need seven to nine hours. If you ran in the evening, give yourself a calm wind-down before bed.

## 6. Check in with yourself

Take a moment the next morning to notice how your body feels. Some stiffness is normal, especially after a new distance. Pain that is sharp, localized or getting worse is a sign to rest and, if it persists, to have it looked at.

## Keep it simple

You don't need gadgets or expensive supplements to recover well. A cool-down walk, a glass of water, a decent meal and a good night's sleep do most of the work. As with running itself, consistency matters more than perfection.
""",
                    },
                ],
            },
            {
                "title": "Running through the dark months",
                "intro": "Practical ideas for staying safe, seen and cheerful when mornings are dark and evenings come early.",
                "articles": [
                    {
                        "slug": "winter-running-safe-and-seen",
                        "title": "Safe, seen and warm: running in the dark months",
                        "kind": "guide",
                        "author": "hannah-okafor",
                        "summary": "Short days don't have to mean no running. Here is how to stay visible, warm and sure-footed on winter runs, and when to take your workout indoors.",
                        "seo_description": "Practical tips for running safely in winter darkness: be visible, dress in layers, choose safe routes, watch for ice and know when to stay in.",
                        "topics": ["beginners", "habits"],
                        "days_ago": 22,
                        "hero": {
                            "palette": "night",
                            "alt": "A pale path glowing faintly between dark hills under a bright moon and a deep blue sky",
                        },
                        "body": """
When mornings stay dark and evenings arrive before you've left work, running can start to feel like a summer-only hobby. It doesn't have to be. With a little preparation, winter runs can be some of the most peaceful of the year: quiet streets, crisp air and the satisfying glow of coming home warm.

## Be seen

Drivers, cyclists and other pedestrians need to spot you early.

- **Wear bright or fluorescent colors** at dusk and **reflective details** after dark. Reflective bands on your ankles and wrists are especially noticeable because they move.
- **Carry a light.** A headlamp helps you see the ground; a small clip-on light, front and back, helps others see you.
- **Assume you're invisible.** Make eye contact with drivers at crossings and don't rely on them having seen you.

## Choose your route wisely

- Stick to **well-lit, familiar routes** with good sidewalks, especially when you're starting out.
- **Run facing oncoming traffic** if there's no sidewalk.
- **Tell someone** your route and when you expect to be back, or use a location-sharing app.
- Keep headphone volume low, or use just one earbud, so you can hear what's around you.

## Dress in layers

A common rule of thumb is to dress as if it were about 15 to 20 degrees Fahrenheit (roughly 8 to 11 degrees Celsius) warmer than it is, since you'll heat up quickly. Roughly:

1. **A base layer** that wicks sweat away from your skin (avoid cotton).
2. **A light insulating layer** on colder days.
3. **A wind- or water-resistant shell** if it's windy or wet.

Add a hat and gloves; you can always take them off and tuck them in a pocket. Warm up indoors with a few minutes of marching in place, leg swings and gentle squats before heading out.

## Watch your footing

Ice and wet leaves are the main winter hazards. Shorten your stride, slow down and keep your steps under your hips. On icy days, traction devices that slip over your shoes can help, but there's no shame in changing plans.

## Know when to stay in

Skip outdoor runs on very icy days, in extreme cold or when visibility is poor. An indoor alternative, such as a treadmill, a home workout or a brisk walk in a mall or other covered space, keeps your routine going without the risk.

If you have asthma or a heart condition, cold air can add extra strain, so talk to your doctor about how to exercise safely in winter.

## Make it something to look forward to

Plan a warm drink for afterward, run with a friend, or pick a route past holiday lights. The hardest part of a winter run is usually the first five minutes. After that, many people find it becomes the best part of their day.
""",
                    },
                    {
                        "slug": "winter-light-and-daylight-runs",
                        "title": "Winter light, low mood and the case for a daylight run",
                        "kind": "feature",
                        "author": "elena-ruiz",
                        "summary": "Short, gray days can drag energy and mood down. A run in natural daylight combines two things linked with feeling better: movement and light.",
                        "seo_description": "How short winter days affect mood and sleep, and why a daylight run, combining natural light and exercise, may help you feel brighter.",
                        "topics": ["mental-health", "sleep", "science"],
                        "days_ago": 21,
                        "hero": {
                            "palette": "dawn",
                            "alt": "A path heading toward a low winter sun rising over muted green hills",
                        },
                        "body": """
As the days shorten, many people notice changes that are hard to put a finger on: sleeping longer but waking tired, craving heavy food, feeling flat or less sociable. For some, these shifts are mild. For others, they are part of seasonal affective disorder, a form of depression that follows the seasons.

## Why light matters

Your body runs on an internal clock that takes its main timing cues from light, especially bright light in the morning. On short, gray days, that signal weakens. This can affect the timing of sleep and of hormones such as melatonin, and it's thought to play a part in winter dips in mood and energy.

Even on an overcast winter day, outdoor light is usually far brighter than typical indoor lighting. That's why time outside, particularly in the first half of the day, is often recommended for people who feel a winter slump.

## Movement and light together

Regular exercise is linked with better mood and fewer symptoms of depression, as we explore in [running, anxiety and low mood](/articles/running-anxiety-and-low-mood/). A daylight run combines that benefit with a dose of natural light. Researchers haven't pinned down exactly how much each part contributes, but the combination is practical, free and pleasant.

## Making daylight runs happen

Fitting a run into daylight hours takes some planning when the sun sets mid-afternoon:

- **Use your lunch break.** Even twenty minutes outdoors around midday counts.
- **Move your weekend long run to late morning**, when the light is at its best.
- **Run or walk part of your commute**, if it's safe and practical.
- **Step outside on non-run days too.** A short walk in morning light can support your sleep and energy.

## Be gentle with yourself

Winter isn't the time to chase personal bests. Shorter, easier runs are perfectly fine, and some weeks simply getting outside is the win. If motivation is low, arrange to meet a friend; a commitment to someone else is harder to skip.

## When to seek help

If low mood lasts more than a couple of weeks, interferes with work or relationships, or comes with feelings of hopelessness, please talk to a doctor. Effective treatments for seasonal depression include light therapy with a specially designed lamp, talking therapies and sometimes medication. Running can be a valuable part of your winter toolkit, alongside proper care.

> Shorter days are a season, not a verdict. Light, movement and a little kindness can carry you through to spring.
""",
                    },
                ],
            },
        ],
    },
]
