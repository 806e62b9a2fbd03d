// Vocabulary for the benchmark's generated data: NHS words, so that full-text search over
// 20,000 opportunities finds realistic numbers of matches (a few per cent per word).
import type { OpportunityType, Region } from "../../app/models/domain";

/** Six integrated care systems per region: 42, as in England. */
export const SYSTEMS: Record<Region, string[]> = {
  "East of England": ["Bedfordshire and Luton", "Cambridgeshire and Peterborough", "Hertfordshire and West Essex", "Mid and South Essex", "Norfolk and Waveney", "Suffolk and North East Essex"],
  London: ["North Central London", "North East London", "North West London", "South East London", "South West London", "Thames Gateway"],
  Midlands: ["Birmingham and Solihull", "Black Country", "Coventry and Warwickshire", "Derby and Derbyshire", "Leicester and Rutland", "Staffordshire and Stoke-on-Trent"],
  "North East and Yorkshire": ["Humber and North Yorkshire", "North East and North Cumbria", "South Yorkshire", "West Yorkshire", "Tees Valley", "Bradford and Craven"],
  "North West": ["Cheshire and Merseyside", "Greater Manchester", "Lancashire and South Cumbria", "Wirral and Chester", "Bolton and Wigan", "Liverpool City Region"],
  "South East": ["Buckinghamshire, Oxfordshire and Berkshire West", "Frimley", "Hampshire and Isle of Wight", "Kent and Medway", "Surrey Heartlands", "Sussex"],
  "South West": ["Bath and North East Somerset", "Bristol and North Somerset", "Cornwall and the Isles of Scilly", "Devon", "Dorset", "Gloucestershire"],
};

export const TRUST_KINDS = ["acute", "acute", "acute", "acute", "mental health", "community", "ambulance"] as const;
export const SITE_WORDS = ["General Hospital", "Royal Infirmary", "Community Hospital", "District Hospital", "Treatment Centre", "Memorial Hospital"];

export const FIRST_NAMES = [
  "Amara", "Ben", "Chloe", "Daniel", "Ebony", "Farhan", "Grace", "Hamza", "Isla", "Jack",
  "Kavya", "Liam", "Maryam", "Noah", "Olivia", "Priya", "Qasim", "Rosie", "Samuel", "Tariq",
];
export const SURNAMES = [
  "Adeyemi", "Begum", "Campbell", "Davies", "Evans", "Fernandes", "Gupta", "Hughes", "Iqbal", "Jones",
  "Khan", "Lewis", "Morgan", "Nwosu", "Patel", "Quinn", "Roberts", "Shah", "Thomas", "Walker",
];
export const SPECIALTIES = [
  "Acute Medicine", "Anaesthetics", "Cardiology", "Emergency Medicine", "General Practice", "General Surgery",
  "Geriatric Medicine", "Obstetrics and Gynaecology", "Paediatrics", "Psychiatry", "Respiratory Medicine", "Foundation",
];

/** What an improvement is about. */
export const TOPICS = [
  "discharge planning", "sepsis screening", "frailty assessment", "handover", "deterioration recognition",
  "medicines reconciliation", "outpatient waiting times", "theatre utilisation", "staff wellbeing", "falls prevention",
  "pressure ulcer prevention", "delirium screening", "antimicrobial stewardship", "venous thromboembolism assessment",
  "end of life care", "patient flow", "rota gaps", "clinic letters", "early warning scores", "nutrition and hydration",
  "safeguarding referrals", "mental health liaison", "virtual wards", "same day emergency care", "bed occupancy",
];
/** Where it happens. */
export const SETTINGS = [
  "the emergency department", "the acute medical unit", "the surgical assessment unit", "the elderly care wards",
  "theatres", "outpatients", "the maternity unit", "the children's ward", "the intensive care unit", "the community teams",
  "the discharge lounge", "the stroke unit", "the respiratory ward", "the cancer centre", "primary care",
];
const VERBS = ["Improving", "Reducing delays in", "Standardising", "Measuring", "Redesigning", "Spreading good practice in"];
const SPONSOR_ROLES = [
  "Medical Director", "Chief Nurse", "Chief Operating Officer", "Director of Quality Improvement", "Deputy Medical Director",
  "Clinical Director for Medicine", "Director of Workforce", "Head of Patient Safety", "Divisional Director of Surgery", "Chief Executive",
];
const GOVERNANCE = ["board", "governance", "quality committee", "executive team", "people committee", "finance and performance committee", "safety huddle"];

export const OBJECTIVE_TITLES = [
  "Reduce avoidable harm from deterioration", "Every patient home by lunchtime on their day of discharge",
  "Cut outpatient waiting lists", "Make this the best place to work", "Halve healthcare-acquired infections",
  "Improve flow through the emergency department", "Zero never events in theatres", "Better care for people living with frailty",
  "Reduce health inequalities in our population", "Digital by default for clinic letters",
];

export interface TextParts {
  title: string;
  summary: string;
  description: string;
  sponsorRole: string;
  learningOutcomes: string[];
}

/** Words for one opportunity of the given type; `pick` is the caller's seeded random choice. */
export function opportunityText(type: OpportunityType, pick: <T>(list: readonly T[]) => T): TextParts {
  const topic = pick(TOPICS);
  const setting = pick(SETTINGS);
  const other = pick(TOPICS);
  const sponsorRole = pick(SPONSOR_ROLES);
  const forum = pick(GOVERNANCE);
  const title = {
    qi_project: `${pick(VERBS)} ${topic} in ${setting}`,
    shadowing: `Shadow the ${sponsorRole} on ${topic}`,
    board_seat: `Observer seat at the ${forum}`,
    manager_buddying: `Buddy with a service manager running ${setting}`,
    chief_resident: `Chief resident for ${topic}`,
    patient_safety: `Patient safety investigation: ${topic} in ${setting}`,
  }[type];
  const summary = `Work alongside the ${sponsorRole} on ${topic} and see how ${forum} decisions reach ${setting}.`;
  const description = [
    `This opportunity looks at ${topic} in ${setting}, where teams have raised concerns about ${other}.`,
    `You will join the ${forum}, present data to senior leaders and agree the next steps with the team.`,
    `Expect to learn how quality improvement, patient safety and governance fit together, and how a ${sponsorRole.toLowerCase()} balances safety, wellbeing and performance.`,
  ].join(" ");
  const learningOutcomes = [
    `Explain how ${topic} is measured and reported`,
    `Present an improvement idea to the ${forum}`,
    `Describe the ${sponsorRole.toLowerCase()}'s role in ${other}`,
  ];
  return { title, summary, description, sponsorRole, learningOutcomes };
}
