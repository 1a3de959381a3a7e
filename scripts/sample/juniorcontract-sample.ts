/**
 * The bundled #juniorcontract sample: invented posts about the 2016 junior doctors' contract dispute in England,
 * January–April 2016, generated from templates written for Groundswell with a seeded PRNG, so the same seed
 * always gives the same file. Nothing here is copied from real posts; handles are made up from word lists;
 * ids (`jc16-…`) and the absence of URLs keep the posts from being mistaken for real ones.
 *
 * Volume follows the dispute's calendar: more posts on the strike days (12 Jan, 10 Feb, 9–11 Mar, 6–8 Apr,
 * 26–27 Apr) and after the announcement on 11 Feb that the contract would be imposed. The mix leans to
 * support for the doctors, with opposition growing around the April full walkouts.
 */

export interface SamplePost {
  id: string;
  text: string;
  created_at: string;
  author: string;
  lang: string;
  is_repost?: boolean;
  repost_of?: string;
  reply_to?: string;
  quote_of?: string;
}

type Stance = 'support' | 'oppose' | 'neutral';

/** mulberry32: small, fast and good enough for sampling templates. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START = Date.UTC(2016, 0, 1);
const DAYS = 121; // 1 January – 30 April 2016
const BASE_PER_DAY = 40;

/** Day multipliers, by UTC date: strike days, the run-up to them and the imposition announcement. */
const DAY_FACTORS: Record<string, number> = {
  '2016-01-04': 1.6,
  '2016-01-05': 1.8,
  '2016-01-10': 1.7,
  '2016-01-11': 3.0,
  '2016-01-12': 8.0,
  '2016-01-13': 2.2,
  '2016-02-08': 1.6,
  '2016-02-09': 3.0,
  '2016-02-10': 7.0,
  '2016-02-11': 9.0,
  '2016-02-12': 4.0,
  '2016-02-13': 2.4,
  '2016-02-14': 1.6,
  '2016-03-08': 2.6,
  '2016-03-09': 5.5,
  '2016-03-10': 5.0,
  '2016-03-11': 2.2,
  '2016-04-05': 2.4,
  '2016-04-06': 5.0,
  '2016-04-07': 4.5,
  '2016-04-08': 1.9,
  '2016-04-23': 1.6,
  '2016-04-24': 2.0,
  '2016-04-25': 3.2,
  '2016-04-26': 10.0,
  '2016-04-27': 8.0,
  '2016-04-28': 2.6,
};

const STRIKE_DAYS = new Set([
  '2016-01-12',
  '2016-02-10',
  '2016-03-09',
  '2016-03-10',
  '2016-04-06',
  '2016-04-07',
  '2016-04-26',
  '2016-04-27',
]);
const IMPOSITION_DAY = '2016-02-11';
const WALKOUT_DAYS = new Set(['2016-04-26', '2016-04-27']);

/** Relative activity by hour of the day (UK time); strike days start early on the picket lines. */
const HOURS = [
  1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.4, 3.2, 3.0, 2.6, 2.4, 2.8, 2.8, 2.4, 2.2, 2.2, 2.4, 2.8, 3.2, 3.4, 3.2,
  2.6, 1.8,
];
const STRIKE_HOURS = [
  0.8, 0.5, 0.3, 0.3, 0.5, 1.2, 3.0, 5.0, 6.0, 5.0, 3.8, 3.0, 3.0, 2.8, 2.6, 2.4, 2.4, 2.6, 2.8, 3.0, 3.0,
  2.6, 2.0, 1.4,
];
const IMPOSITION_HOURS = [
  1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.0, 1.8, 2.2, 2.2, 2.2, 2.4, 3.0, 7.0, 8.0, 6.5, 5.5, 5.0, 5.0, 5.2, 5.0, 4.4,
  3.4, 2.2,
];

/** Share of support and opposition (the rest is neutral) by date. */
function stanceMix(day: string): { support: number; oppose: number } {
  if (WALKOUT_DAYS.has(day)) return { support: 0.44, oppose: 0.31 };
  if (day === IMPOSITION_DAY || day === '2016-02-12') return { support: 0.66, oppose: 0.13 };
  if (day < '2016-02-01') return { support: 0.6, oppose: 0.15 };
  if (day < '2016-03-01') return { support: 0.61, oppose: 0.15 };
  if (day < '2016-04-01') return { support: 0.55, oppose: 0.18 };
  return { support: 0.5, oppose: 0.22 };
}

const CITIES = [
  'Leeds',
  'Bristol',
  'Manchester',
  'Birmingham',
  'Newcastle',
  'Sheffield',
  'Nottingham',
  'Liverpool',
  'Southampton',
  'Plymouth',
  'Norwich',
  'Oxford',
  'Cambridge',
  'Leicester',
  'Hull',
  'York',
  'Brighton',
  'Exeter',
  'Stoke',
  'Derby',
  'Whitechapel',
  'Tooting',
  'Camberwell',
  'Paddington',
];

const SUPPORT = [
  'I stand with the junior doctors. This contract is not safe for patients. {tag}',
  'My daughter is an FY2. She worked 13 days straight last month. Support the doctors. {tag}',
  'Tired doctors make mistakes. An unsafe contract is bad for all of us. {tag}',
  'Doctors do not strike lightly. If they vote to, something is badly wrong. {tag}',
  "The imposition of this contract would be a disaster for recruitment. Who'd train here now? {tag}",
  'Half my year group are looking at jobs in Australia. Not fair, not safe. {tag}',
  'Seven day NHS with the same staff and the same money? Nobody believes it. {tag}',
  'The weekend effect paper does not say what ministers claim it says. Read it. {tag}',
  "Nurse here. I've seen what exhausted juniors go through. Full support from our ward. {tag}",
  'This is about patient safety, not pay. Say it louder for the people at the back. {tag}',
  'Safeguards on hours are the whole point. Remove them and patients pay the price. {tag}',
  'Consultant here: my juniors have my full support. {tag}',
  "If you've ever been treated at 3am, thank a junior doctor. Then support them. {tag}",
  'Privatisation by exhaustion. That is what this contract looks like from the inside. {tag}',
  'Every GP I know supports the juniors. We were juniors once. {tag}',
  'Our junior doctors deserve better than being called greedy in the papers. {tag}',
  "Patients first means rested doctors. It's that simple. {tag}",
  'Retired GP, 40 years in the NHS. Never seen morale this low. Stand with the juniors. {tag}',
  'Dear government, you cannot run a seven day service by stretching five days of staff. {tag}',
  "My mum's life was saved by a registrar at 4am. I will always support the doctors. {tag}",
  'Just finished a run of nights in {city}. Twelve hours, one break. This is why we say not safe. {tag}',
  'Signed the petition for the contract to go back to talks. Solidarity with the juniors. {tag}',
];

/** Only on strike days. */
const SUPPORT_STRIKE_DAY = [
  'Solidarity with every junior doctor on the picket line today. {tag}',
  'Honked all the way past the picket line in {city}. Stand with them! {tag}',
  'Brought tea and biscuits to the picket line at {city}. Lovely people, rightly angry. {tag}',
  'Proud of our juniors in {city} today. Emergency cover is fully staffed, patients are safe. {tag}',
  'Spent my day off on the picket line in {city}. The public support has been overwhelming. {tag}',
  'Working tonight, striking today, back on nights on Thursday. Still here for patients. {tag}',
  'Medical students marching with the juniors in {city}. The future of the NHS, right there. {tag}',
  'Another round of applause for the picket line in {city}, even in the rain. {tag}',
  'Lots of horns and waves at the picket line this morning. The public gets it. {tag}',
];

const SUPPORT_IMPOSITION = [
  'Imposing a contract on 50,000 doctors is not leadership, it is a failure of it. {tag}',
  'So talks end with imposition. Unsafe contract, imposed anyway. Shameful. {tag}',
  'Imposition announced today. Watch the applications to work abroad go up tomorrow. {tag}',
  'Jeremy Hunt has just imposed the contract. My whole rota is in tears or furious. {tag}',
  'Imposition is not negotiation. Solidarity with every junior tonight. {tag}',
  'Resignation letters being drafted across {city} tonight. Not fair, not safe. {tag}',
];

const SUPPORT_WALKOUT = [
  'First full walkout in NHS history and consultants are covering emergency care. Solidarity. {tag}',
  'Consultants staffing A&E in {city} today so juniors can strike. That says everything. {tag}',
  'Nobody wanted a full walkout. The imposition left them no choice. {tag}',
];

const OPPOSE = [
  'Holding patients to ransom over a contract is not acceptable for doctors. {tag}',
  'Doctors are well paid compared with most. This dispute is about money, whatever they say. {tag}',
  'The BMA has become a militant union. Ministers should stand firm. {tag}',
  'The government has a mandate for a seven day NHS. The BMA should accept it. {tag}',
  'Weekend care is worse. A 7 day NHS is the right aim. #7daynhs {tag}',
  'The strikers are being used by a union that wants a political fight. Stand firm. {tag}',
  "Nurses don't get time and a half for Saturdays either. Get real. {tag}",
  'Greedy. There, I said it. Plenty of people work weekends without a strike. {tag}',
  'Back the Health Secretary on this one. Someone has to put patients before the BMA. #backhunt {tag}',
  'Strikes are not safe. Whatever the grievance, you do not walk out of hospitals. #strikesnotsafe {tag}',
  'I supported them in January. Not any more. Enough strikes. {tag}',
];

/** Only on strike days. */
const OPPOSE_STRIKE_DAY = [
  'Get back to work. Thousands of patients had operations cancelled today. {tag}',
  'My op was cancelled for the second time. Put patients first. {tag}',
  'Cancelled operations, cancelled appointments. Patients are paying for this dispute. {tag}',
  'Sorry, but walking out on patients is never right for a doctor. Back to work. {tag}',
  "Striking doctors abandoning patients. My dad's hip replacement postponed again. {tag}",
];

const OPPOSE_WALKOUT = [
  'Withdrawing emergency cover is a line doctors should never cross. Back to work. {tag}',
  'A full walkout including A&E? That is abandoning patients, plain and simple. {tag}',
  'Patients in {city} waiting hours today because of the walkout. Shameful. {tag}',
  'Emergency care withdrawn. Whatever the contract says, this is holding patients to ransom. {tag}',
];

const NEUTRAL = [
  'Explainer: what the new junior doctor contract changes about weekend pay and hours. {tag}',
  'BMA and government back at the table at Acas this week. {tag}',
  'Live updates on the junior doctors dispute from our health correspondent. {tag}',
  'Poll out today on public attitudes to the doctors dispute. Link in the next tweet. {tag}',
  'Reading both sides of the contract dispute and honestly finding it hard to follow. {tag}',
  'Trusts publish their contingency plans ahead of the next strike. {tag}',
  'Questions in Parliament this afternoon on the junior doctors contract. {tag}',
  'Interesting discussion on the radio this morning about the weekend effect data. {tag}',
  'Timeline of the junior doctors dispute so far, with the strike dates. {tag}',
  'Anyone know whether my clinic in {city} next week will be affected by the strike? {tag}',
];

/** Only on strike days. */
const NEUTRAL_STRIKE_DAY = [
  'Strike goes ahead today after talks broke down. Emergency care is being provided. {tag}',
  'Does anyone know if outpatient clinics in {city} are running today? {tag}',
  'Hospital says planned operations are being rescheduled; patients will be contacted. {tag}',
  'My appointment letter says the clinic is still on. Will go and see. {tag}',
  'Picket lines outside hospitals in {city} from 8am, according to local news. {tag}',
  'What happens to GP surgeries during the junior doctors strike? Quick guide. {tag}',
  'Anyone else trying to work out whether their op is still going ahead this week? {tag}',
  'How the strike affects A&E: emergency cover stays in place according to the trust. {tag}',
  'Reporting from outside the hospital in {city}. Quiet so far. {tag}',
];

const NEUTRAL_IMPOSITION = [
  'The Health Secretary tells MPs the new contract will be imposed. {tag}',
  'Contract to be imposed after talks fail, the government announces. {tag}',
  'What does imposition of the contract mean in practice? Our explainer. {tag}',
];

const REPLIES: Record<Stance, string[]> = {
  support: [
    'Exactly this. Nobody goes into medicine for an easy life.',
    'Well said. Thank you for being out there.',
    "Couldn't agree more. Solidarity.",
    'They are exhausted, not greedy. Please read the contract.',
    'This. The safeguards matter more than the pay.',
  ],
  oppose: [
    'Tell that to the patients whose operations were cancelled.',
    'Sorry, but this is about money. Back to work.',
    'The public are losing patience with these strikes.',
    'Put patients first and go back to the table.',
  ],
  neutral: [
    'Do you have a link to the source for that?',
    'Is that the figure from the trust or from the BMA?',
    'Thanks, was wondering about clinics tomorrow too.',
    'Genuinely asking: what changes for weekend pay?',
  ],
};

const TAGS: Record<Stance, string[]> = {
  support: [
    '#juniorcontract',
    '#juniordoctorsstrike',
    '#notfairnotsafe',
    '#juniorcontract #notfairnotsafe',
    '#iminworkjeremy',
    '#juniordoctors #saveournhs',
    '#juniorcontract #supportjuniordoctors',
    '#istandwithjuniordoctors',
  ],
  oppose: ['#juniorcontract', '#juniordoctorsstrike', '#juniordoctors', '#juniorcontract #7daynhs', ''],
  neutral: ['#juniorcontract', '#juniordoctorsstrike', '#juniordoctors', '#NHS #juniorcontract', ''],
};

/** A few posts in other languages (EU doctors in the NHS, Welsh speakers): stored, not counted for an English topic. */
const OTHER_LANGUAGES: { lang: string; text: string }[] = [
  { lang: 'cy', text: 'Cefnogaeth i feddygon iau Lloegr heddiw. #juniorcontract' },
  { lang: 'cy', text: 'Mae meddygon iau yn streicio eto yn Lloegr. #juniordoctorsstrike' },
  { lang: 'es', text: 'Huelga de médicos residentes en Inglaterra hoy. Todo mi apoyo. #juniorcontract' },
  { lang: 'es', text: 'Trabajo en el NHS y hoy mis compañeros están en huelga. #notfairnotsafe' },
  { lang: 'pl', text: 'Strajk młodych lekarzy w Anglii. Pełne wsparcie z Polski! #juniordoctorsstrike' },
  { lang: 'pl', text: 'Pracuję w szpitalu w Anglii, dzisiaj strajk lekarzy rezydentów. #juniorcontract' },
  { lang: 'fr', text: 'Grève des jeunes médecins en Angleterre aujourd’hui. Solidarité ! #juniorcontract' },
  { lang: 'fr', text: 'Les internes anglais en grève contre le nouveau contrat. #juniordoctorsstrike' },
  { lang: 'de', text: 'Assistenzärzte in England streiken heute wieder. #juniorcontract' },
  {
    lang: 'it',
    text: 'Sciopero dei medici specializzandi in Inghilterra. Solidarietà. #juniordoctorsstrike',
  },
  { lang: 'pt', text: 'Greve dos médicos internos em Inglaterra hoje. #juniorcontract' },
];

const HANDLE_A = [
  'bleepholder',
  'nightshift',
  'tea_and_toast',
  'northern',
  'rainy',
  'ward',
  'rota',
  'gasman',
  'paeds',
  'obsreg',
  'fy1',
  'fy2',
  'st3',
  'quiet',
  'brisk',
  'allotment',
  'commuter',
  'seaside',
  'midlands',
  'valley',
  'canal',
  'orchard',
  'kestrel',
  'heron',
  'puffin',
  'bramble',
  'thistle',
  'copper',
  'marble',
  'lantern',
];
const HANDLE_B = [
  'doc',
  'reg',
  'nurse',
  'mum',
  'dad',
  'gran',
  'reader',
  'walker',
  'baker',
  'teacher',
  'student',
  'medic',
  'voter',
  'watcher',
  'fan',
  'writer',
  'rider',
  'runner',
  'cyclist',
  'knitter',
];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)];
}

function weightedIndex(rand: () => number, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1;
}

function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** Europe/London in 2016: GMT until 27 March 01:00 UTC, BST after. */
function ukOffsetHours(t: number): number {
  return t >= Date.UTC(2016, 2, 27, 1) ? 1 : 0;
}

function makeHandles(rand: () => number, count: number): string[] {
  const handles = new Set<string>();
  while (handles.size < count) {
    const n = Math.floor(rand() * 90) + 10;
    handles.add(`${pick(rand, HANDLE_A)}_${pick(rand, HANDLE_B)}${n}`);
  }
  return [...handles];
}

/** Posts of one run of the generator, oldest first. */
export function generateSample(seed = 20160112): SamplePost[] {
  const rand = prng(seed);
  const handles = makeHandles(rand, 1400);
  // A few accounts post a lot, most rarely (Zipf-like weights).
  const authorWeights = handles.map((_, i) => 1 / Math.pow(i + 1, 0.8));
  const author = () => handles[weightedIndex(rand, authorWeights)];

  const posts: SamplePost[] = [];
  const recent: { post: SamplePost; stance: Stance; at: number }[] = [];
  let seq = 0;

  for (let d = 0; d < DAYS; d++) {
    const dayStart = START + d * 86_400_000;
    const day = isoDay(dayStart);
    const weekday = new Date(dayStart).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 0.75 : 1;
    const expected = BASE_PER_DAY * (DAY_FACTORS[day] ?? 1) * weekend;
    const count = Math.max(5, Math.round(expected * (0.85 + rand() * 0.3)));
    const hours = day === IMPOSITION_DAY ? IMPOSITION_HOURS : STRIKE_DAYS.has(day) ? STRIKE_HOURS : HOURS;
    const offset = ukOffsetHours(dayStart);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const localHour = weightedIndex(rand, hours);
      const t = dayStart + (localHour - offset) * 3_600_000 + Math.floor(rand() * 3600) * 1000;
      if (t >= START && t < START + DAYS * 86_400_000) times.push(t);
    }
    times.sort((a, b) => a - b);

    const mix = stanceMix(day);
    for (const at of times) {
      const id = `jc16-${String(++seq).padStart(6, '0')}`;
      const created_at = new Date(at).toISOString().replace('.000Z', 'Z');
      const r = rand();
      // Reposts and replies need something recent to point at.
      const pool = recent.filter((x) => at - x.at < 36 * 3_600_000 && at > x.at);
      if (r < 0.03 && (DAY_FACTORS[day] ?? 1) >= 2) {
        const other = pick(rand, OTHER_LANGUAGES);
        posts.push({ id, text: other.text, created_at, author: author(), lang: other.lang });
        continue;
      }
      if (r < 0.25 && pool.length > 0) {
        const original = pool[Math.floor(Math.pow(rand(), 2) * pool.length)];
        posts.push({
          id,
          text: `RT @${original.post.author}: ${original.post.text}`,
          created_at,
          author: author(),
          lang: 'en',
          is_repost: true,
          repost_of: original.post.id,
        });
        continue;
      }
      const stance: Stance =
        rand() < mix.support ? 'support' : rand() < mix.oppose / (1 - mix.support) ? 'oppose' : 'neutral';
      if (r < 0.35 && pool.length > 0) {
        const target = pick(rand, pool);
        posts.push({
          id,
          text: `@${target.post.author} ${pick(rand, REPLIES[stance])} ${pick(rand, TAGS[stance])}`.trim(),
          created_at,
          author: author(),
          lang: 'en',
          reply_to: target.post.id,
        });
        continue;
      }
      const text = fill(rand, pick(rand, templatesFor(stance, day, rand)), stance);
      const post: SamplePost = { id, text, created_at, author: author(), lang: 'en' };
      if (r < 0.38 && pool.length > 0) {
        const quoted = pick(rand, pool);
        post.quote_of = quoted.post.id;
      }
      posts.push(post);
      recent.push({ post, stance, at });
      if (recent.length > 400) recent.shift();
    }
  }
  return posts;
}

function templatesFor(stance: Stance, day: string, rand: () => number): string[] {
  const imposition = day >= IMPOSITION_DAY && day <= '2016-02-13';
  const walkout = WALKOUT_DAYS.has(day);
  const strike = STRIKE_DAYS.has(day);
  const r = rand();
  if (stance === 'support') {
    if (imposition && r < 0.5) return SUPPORT_IMPOSITION;
    if (walkout && r < 0.3) return SUPPORT_WALKOUT;
    return strike && r < 0.65 ? SUPPORT_STRIKE_DAY : SUPPORT;
  }
  if (stance === 'oppose') {
    if (walkout && r < 0.4) return OPPOSE_WALKOUT;
    return strike && r < 0.65 ? OPPOSE_STRIKE_DAY : OPPOSE;
  }
  if (imposition && r < 0.5) return NEUTRAL_IMPOSITION;
  return strike && r < 0.65 ? NEUTRAL_STRIKE_DAY : NEUTRAL;
}

function fill(rand: () => number, template: string, stance: Stance): string {
  return template
    .replace('{city}', () => pick(rand, CITIES))
    .replace('{tag}', () => pick(rand, TAGS[stance]))
    .trim();
}

/** The sample as JSON lines, as committed in samples/ (gzipped). */
export function sampleJsonl(seed?: number): string {
  return generateSample(seed)
    .map((p) => JSON.stringify(p))
    .join('\n')
    .concat('\n');
}
