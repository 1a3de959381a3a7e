/**
 * Hand-written word lists for the sentiment rules. Valences are on VADER's scale (about −4…+4), so that they
 * combine with the VADER and AFINN vocabularies without rescaling.
 */

/** Slang, British usage and social-media words missing from (or misjudged by) the open lexicons. */
export const SLANG: Readonly<Record<string, number>> = {
  omg: 0.6,
  omfg: -0.6,
  fml: -2.2,
  gutted: -2.3,
  chuffed: 2.4,
  shambles: -2.4,
  shambolic: -2.4,
  bollocks: -1.8,
  knackered: -1.3,
  brill: 2.4,
  lush: 2.0,
  shite: -2.3,
  shit: -2.2,
  bs: -1.8,
  bullshit: -2.5,
  disgraceful: -2.6,
  disgusting: -2.6,
  appalling: -2.6,
  outrageous: -2.2,
  scandalous: -2.3,
  clown: -1.6,
  clowns: -1.6,
  idiot: -2.2,
  idiots: -2.2,
  cretin: -2.2,
  muppet: -1.5,
  muppets: -1.5,
  tosser: -2.3,
  wanker: -2.5,
  legend: 2.3,
  legends: 2.3,
  heroes: 2.4,
  superb: 3.0,
  smashed: 0.5,
  nailed: 1.5,
  lit: 1.2,
  dope: 1.0,
  fab: 2.3,
  fave: 2.0,
  faves: 2.0,
  gr8: 2.6,
  luv: 2.4,
  thx: 1.5,
  ty: 1.3,
  tysm: 2.0,
  yass: 2.2,
  yasss: 2.2,
  woop: 2.0,
  woot: 2.0,
  ugh: -1.8,
  urgh: -1.8,
  argh: -1.6,
  grr: -1.6,
  meh: -0.5,
  nope: -0.8,
  ffs: -2.6,
  wtf: -2.6,
  smh: -1.4,
  fuming: -2.8,
  livid: -2.9,
  seething: -2.6,
  raging: -2.4,
  furious: -2.8,
  sickening: -2.6,
  sick: -1.8,
  tired: -1.1,
  exhausted: -1.4,
  overworked: -1.8,
  underpaid: -1.8,
  undervalued: -1.9,
  unsafe: -2.2,
  dangerous: -2.1,
  reckless: -2.0,
  lying: -2.2,
  liars: -2.4,
  incompetent: -2.4,
  incompetence: -2.4,
  arrogant: -2.0,
  arrogance: -2.0,
  cowardly: -2.2,
  selfish: -2.1,
  thank: 1.5,
  thankyou: 2.0,
  grateful: 2.3,
  proud: 2.2,
  admire: 2.1,
  respect: 2.0,
  deserve: 0.8,
  deserves: 0.8,
  stoked: 2.6,
  pumped: 1.8,
  psyched: 2.2,
  whew: 0.6,
  phew: 0.6,
  yum: 2.0,
  chill: 0.8,
  awks: -1.0,
  sux: -2.0,
  chillin: 1.2,
  booyah: 2.2,
  huzzah: 2.2,
  yippee: 2.3,
  epic: 1.6,
  neato: 1.9,
  awesomesauce: 2.6,
  bleh: -1.0,
  ew: -1.5,
  eww: -1.6,
  yuck: -1.9,
  oops: -0.7,
  sigh: -0.8,
  boo: -1.3,
  nom: 1.2,
  // Discourse markers that the lexicons score as if they were praise.
  honestly: 0,
  treating: 0,
  treated: 0,
  scaremongering: -2.0,
  smokescreen: -1.5,
  pawns: -1.5,
  whinging: -1.8,
  whining: -1.8,
  moaning: -1.5,
  hypocrites: -2.3,
  hypocrite: -2.3,
  hypocrisy: -2.2,
  spin: -0.8,
  reasonable: 1.3,
  unreasonable: -1.5,
  sensible: 1.3,
  backbone: 1.2,
  backing: 1.2,
  unacceptable: -2.2,
  unnecessary: -1.2,
  // A common intensifier in speech that is not itself a judgement.
  bloody: 0,
};

/** Emoji (base code points, without variation selectors or skin tones). */
// prettier-ignore
export const EMOJI: Readonly<Record<string, number>> = {
  '😀': 2.2, '😃': 2.3, '😄': 2.4, '😁': 2.2, '😆': 2.1, '😅': 0.9, '🤣': 2.2, '😂': 1.9, '🙂': 1.5,
  '😉': 1.4, '😊': 2.4, '😇': 2.0, '🥰': 2.9, '😍': 2.9, '🤩': 2.8, '😘': 2.3, '😗': 1.5, '😚': 1.9,
  '😙': 1.7, '😋': 1.9, '😛': 1.3, '😜': 1.4, '🤪': 1.2, '😝': 1.3, '🤗': 2.2, '🤭': 0.8, '🤔': -0.2,
  '🤐': -0.5, '🤨': -0.6, '😐': -0.3, '😑': -0.6, '😶': -0.3, '😏': 0.2, '😒': -1.8, '🙄': -1.6,
  '😬': -0.9, '🤥': -1.8, '😌': 1.4, '😔': -1.8, '😪': -1.2, '😴': -0.3, '😷': -1.0, '🤒': -1.6,
  '🤕': -1.6, '🤢': -2.2, '🤮': -2.5, '🥵': -0.8, '🥴': -0.6, '😵': -1.4, '🤯': -0.6, '😎': 2.0,
  '🥳': 2.8, '😕': -1.4, '😟': -1.7, '🙁': -1.7, '☹': -2.0, '😮': -0.2, '😯': -0.2, '😲': 0.0,
  '😳': -0.6, '🥺': -0.6, '😦': -1.5, '😧': -1.7, '😨': -2.0, '😰': -2.1, '😥': -1.6, '😢': -2.2,
  '😭': -2.0, '😱': -1.7, '😖': -2.0, '😣': -1.9, '😞': -2.1, '😓': -1.6, '😩': -2.0, '😫': -2.0,
  '🥱': -0.8, '😤': -2.0, '😡': -2.8, '😠': -2.6, '🤬': -3.0, '😈': -0.5, '👿': -2.2, '💀': -0.8,
  '☠': -1.5, '💩': -2.0, '🤡': -1.8, '👹': -1.8, '👺': -1.8, '💔': -2.5, '❤': 2.6, '🧡': 2.4,
  '💛': 2.4, '💚': 2.4, '💙': 2.5, '💜': 2.4, '🖤': 0.8, '🤍': 2.2, '💕': 2.6, '💞': 2.6, '💓': 2.5,
  '💗': 2.5, '💖': 2.6, '💘': 2.4, '💝': 2.4, '💯': 2.0, '💪': 2.1, '👍': 2.0, '👎': -2.0, '👏': 1.8,
  '🙌': 2.2, '🙏': 1.3, '🤝': 1.5, '✊': 1.3, '✌': 1.4, '👌': 1.8, '🤞': 1.2, '🖕': -2.8, '🎉': 2.6,
  '🎊': 2.4, '🥂': 2.0, '🍾': 2.0, '🏆': 2.3, '🥇': 2.2, '⭐': 1.8, '🌟': 2.2, '✨': 1.6, '🔥': 1.0,
  '☀': 1.5, '🌈': 1.8, '🌹': 1.6, '🌸': 1.6, '😻': 2.6, '😿': -2.0, '😾': -2.0, '⚠': -1.0,
  '❌': -1.5, '✅': 1.5, '✔': 1.2, '🚫': -1.4, '🤦': -1.7, '🤷': -0.3, '😿️': -2.0, '🆘': -1.8,
  '📉': -1.2, '📈': 1.0, '🗑': -1.2, '🐍': -1.5, '🤑': -0.4, '💸': -0.6, '🥲': 0.3, '🫡': 1.3,
  '🫶': 2.5, '❣': 2.3, '♥': 2.6, '😹': 1.8, '😺': 1.8, '😸': 2.0, '🙃': -0.4,
};

/**
 * Emoticons the VADER lexicon lacks, rated like their nearest VADER neighbours (":)" 2.0, ":p" 1.0, ":(" -1.9,
 * ":/" -1.4). Longer forms ("<333", ":)))", "XDDD") are read as their base.
 */
export const EMOTICONS: Readonly<Record<string, number>> = {
  '^_^': 2.0,
  '^^': 1.8,
  ';p': 1.0,
  ';P': 1.0,
  '=(': -1.9,
  '=/': -1.4,
  '-_-': -1.3,
};

/** Words that strengthen (positive) or soften (negative) the sentiment word after them. */
// prettier-ignore
export const BOOSTERS: Readonly<Record<string, number>> = {
  absolutely: 1, amazingly: 1, awfully: 1, completely: 1, considerably: 1, decidedly: 1, deeply: 1,
  effing: 1, enormously: 1, entirely: 1, especially: 1, exceptionally: 1, extremely: 1, fabulously: 1,
  flipping: 1, flippin: 1, fricking: 1, frickin: 1, frigging: 1, friggin: 1, fully: 1, fucking: 1,
  greatly: 1, hella: 1, highly: 1, hugely: 1, incredibly: 1, intensely: 1, majorly: 1, more: 1, most: 1,
  particularly: 1, purely: 1, quite: 1, really: 1, remarkably: 1, so: 1, substantially: 1,
  thoroughly: 1, totally: 1, tremendously: 1, uber: 1, unbelievably: 1, unusually: 1, utterly: 1,
  very: 1, bloody: 1, truly: 1, perfectly: 1, massively: 1, insanely: 1, ridiculously: 1,
  almost: -1, barely: -1, hardly: -1, kinda: -1, kindof: -1, less: -1, little: -1, marginally: -1,
  occasionally: -1, partly: -1, scarcely: -1, slightly: -1, somewhat: -1, sorta: -1, sortof: -1,
  fairly: -1, mildly: -1, rather: -1, abit: -1,
};

/** Two-word softeners ("kind of good"). */
export const BOOSTER_PHRASES: Readonly<Record<string, number>> = {
  'kind of': -1,
  'sort of': -1,
  'a bit': -1,
  'a little': -1,
  'just enough': -1,
};

/** Words that reverse the sentiment after them, to the end of their clause. */
// prettier-ignore
export const NEGATORS: readonly string[] = [
  'not', 'no', 'never', 'neither', 'nor', 'none', 'nobody', 'nothing', 'nowhere', 'without', 'cannot',
  'aint', 'arent', 'cant', 'couldnt', 'darent', 'didnt', 'doesnt', 'dont', 'hadnt', 'hasnt', 'havent',
  'isnt', 'mightnt', 'mustnt', 'neednt', 'oughtnt', 'shant', 'shouldnt', 'wasnt', 'werent', 'wont',
  'wouldnt', 'rarely', 'seldom', 'despite', 'nae',
];

/** Conjunctions after which the clause that follows outweighs the one before ("…, but …"). */
export const CONTRAST_WORDS: readonly string[] = ['but', 'however', 'although', 'though', 'whereas'];

/** Markers that make the rest of the post ironic: praise next to them means the opposite. */
export const SARCASM_MARKERS: readonly string[] = [
  '/s',
  '#sarcasm',
  'yeah right',
  'oh great',
  'slow clap',
  'oh wonderful',
  'oh brilliant',
  'thanks a lot',
  'thanks a bunch',
  'cheers for that',
  'what a surprise',
  'shock horror',
  'what a coincidence',
  'quite an achievement',
  'makes total sense',
  '🙄',
  '🙃',
  '😒',
];

/** Words that mark reported speech or news copy: sentiment near a target there is the news, not the poster. */
// prettier-ignore
export const REPORTING_WORDS: readonly string[] = [
  'says', 'said', 'announces', 'announced', 'announce', 'confirms', 'confirmed', 'reports', 'reported',
  'according', 'breaking', 'latest', 'live', 'update', 'statement', 'claims', 'claimed', 'warns', 'warned',
  'poll', 'survey', 'spokesperson', 'spokesman', 'spokeswoman', 'announcement', 'headline', 'headlines',
];

/** Words of headline news: they mark news copy only in headline style, which drops "is" and "are". */
// prettier-ignore
export const HEADLINE_WORDS: readonly string[] = [
  'reveals', 'urges', 'calls', 'faces', 'hits', 'looms', 'begins', 'continues', 'enters', 'rejects', 'agree',
  'brace', 'collapse', 'deepens', 'fail', 'talks', 'dispute', 'row', 'deadlock', 'court', 'figures', 'study',
  'analysis', 'explainer', 'explained', 'timeline', 'correspondent', 'publishes', 'published', 'expected',
];

/** Words that mark an opinion even without a pronoun: such text is not news copy. */
// prettier-ignore
export const OPINION_WORDS: readonly string[] = [
  'should', 'must', 'shouldn\'t', 'mustn\'t', 'ought', 'deserve', 'deserves', 'need', 'needs', 'why', 'shame',
  'disgrace', 'pathetic', 'disgraceful', 'so', 'just', 'really', 'absolutely', 'totally', 'utterly', 'such',
  'ffs', 'lol', 'honestly', 'frankly', 'clearly', 'obviously', 'surely',
];

/** Pronouns and words that mark the poster's own voice; news copy has none of them. */
export const OWN_VOICE_WORDS: readonly string[] = [
  'i',
  "i'm",
  'im',
  "i've",
  'ive',
  "i'd",
  'me',
  'my',
  'mine',
  'we',
  "we're",
  'our',
  'us',
  'you',
  'your',
  "you're",
  'youre',
  'u',
  'ur',
  'myself',
  'ourselves',
  'lol',
  'ffs',
  'wtf',
  'omg',
  'shame',
  'disgrace',
];

/**
 * Everyday words for splitting run-together hashtags (#iminworkjeremy), beside the sentiment vocabularies.
 * Short and frequent words matter most: they are what a lexicon of opinion words lacks.
 */
export const COMMON_WORDS = `a i im ive id ill in on at to of for from by with without into onto out up down over under off
about after before again against all am an and any are as be been being but can cant could couldnt did didnt do does
doesnt dont doing done each few get gets got had has have having he her here hers him his how if is isnt it its just
me more most my no nor not now only or other our ours own same she should so some such than that the their them then
there these they this those through too until very was wasnt we were what when where which while who whom why will
wont would wouldnt you your yours back work working works worked job jobs go going gone stand standing stood stop
save keep make made let lets say says said tell told know knew think thought need needs want wants help call time
day days week weeks year years night nights weekend weekends today tomorrow people patient patients doctor doctors
nurse nurses hospital hospitals staff health care junior juniors senior contract contracts deal pay paid fair
unfair safe unsafe safety strike strikes striking strikers walk walkout picket line lines union unions talks
government govt minister ministers secretary prime nhs bma tory tories labour jeremy hunt cameron may sign signed
seven 7 day 24 48 hour hours money cuts cut fund funding private privatise privatisation public service services
england britain uk london our your my we us them they new old real true false fake news support supports
supporting supporter solidarity together all one two three first last next never ever always still yes no ok
because why how what who where when which end ends ending now right wrong good bad best worst love hate thanks
thank well done shame life lives lose lost risk risks kill kills die dying dead alive matter matters count counts
vote votes voted ballot share read sign petition march marching rally protest protesting protests dont stop
believe trust listen listening heard hear look see watch come came coming home house sick ill tired mum dad kid
kids child children family friend friends son daughter wife husband man woman men women boy girl team`;
