/**
 * What people type on SEARCH placements: a few typical queries per interest, in
 * English (the simulator's creatives and keywords are English too). A searcher looks
 * for one of their own interests — chosen evenly among the interests they hold, or by
 * the population's interest shares for someone with none — and types one of its
 * queries. Advertisers' keywords (advertisers.ts) are built from the same words, so a
 * keyword-targeted ad group meets searches that match it.
 */
import { pickOne, pickWeighted, type Random } from './random';
import { INTEREST_SHARES, type InterestKey } from './vocabulary';
import type { SimUser } from './population';

export const SEARCH_QUERIES: Readonly<Record<InterestKey, readonly string[]>> = {
  animals: ['cute puppy names', 'cat tree ideas', 'dog grooming at home', 'bird feeder diy', 'aquarium setup ideas'],
  architecture: ['modern house exterior', 'minimalist architecture', 'brick facade ideas', 'tiny house design', 'scandinavian cabin'],
  art: ['watercolor painting ideas', 'abstract wall art', 'easy acrylic painting', 'sketchbook ideas', 'pottery ideas'],
  beauty: ['fall nail ideas', 'natural makeup look', 'skincare routine', 'curly hair styles', 'red lipstick shades'],
  childrens_fashion: ['toddler girl outfits', 'baby boy clothes', 'kids winter coats', 'school uniform ideas', 'kids party dress'],
  design: ['logo design inspiration', 'color palette ideas', 'typography poster', 'branding moodboard', 'ui design inspiration'],
  diy_and_crafts: ['easy diy crafts', 'macrame wall hanging', 'candle making', 'crochet patterns', 'upcycled furniture'],
  education: ['classroom decor ideas', 'study tips', 'homeschool schedule', 'math worksheets', 'bullet journal for students'],
  electronics: ['desk setup ideas', 'gaming setup', 'smart home gadgets', 'wireless earbuds', 'phone photography tips'],
  entertainment: ['movie night ideas', 'books to read', 'tv series to watch', 'concert outfit ideas', 'board game night'],
  event_planning: ['birthday party ideas', 'baby shower decorations', 'party table setting', 'graduation party ideas', 'halloween party'],
  finance: ['budget planner', 'saving money tips', 'side hustle ideas', 'investing for beginners', 'debt payoff plan'],
  food_and_drinks: ['easy dinner recipes', 'healthy breakfast ideas', 'chocolate cake recipe', 'meal prep ideas', 'summer cocktails'],
  gardening: ['small garden ideas', 'vegetable garden layout', 'indoor plants', 'raised garden beds', 'flower bed ideas'],
  health: ['home workout plan', 'yoga for beginners', 'healthy meal plan', 'running tips', 'pilates workout'],
  home_decor: ['living room ideas', 'bedroom decor', 'kitchen decor ideas', 'boho living room', 'modern farmhouse decor'],
  mens_fashion: ['mens casual outfits', 'mens streetwear', 'mens fall fashion', 'suit styles for men', 'mens haircut styles'],
  parenting: ['toddler activities', 'baby sleep schedule', 'kids lunch ideas', 'nursery ideas', 'parenting tips'],
  quotes: ['motivational quotes', 'love quotes', 'inspirational quotes', 'funny quotes', 'self love quotes'],
  sport: ['soccer drills', 'basketball workout', 'cycling gear', 'golf tips', 'hiking trails'],
  travel: ['travel packing list', 'europe travel itinerary', 'beach vacation ideas', 'road trip ideas', 'weekend getaway ideas'],
  vehicles: ['classic cars', 'car interior ideas', 'camper van conversion', 'motorcycle gear', 'car organization ideas'],
  wedding: ['wedding dress ideas', 'wedding decorations', 'wedding cake ideas', 'bridesmaid dresses', 'wedding bouquet'],
  womens_fashion: ['fall outfits women', 'summer dresses', 'work outfits women', 'casual outfit ideas', 'winter boots women'],
};

/** The interest a person searches for on one request. */
export function searchInterest(random: Random, user: Pick<SimUser, 'interestKeys'>): InterestKey {
  return user.interestKeys.length > 0 ? pickOne(random, user.interestKeys) : pickWeighted(random, INTEREST_SHARES);
}

/** One search: the interest looked for and the query typed. */
export function searchQuery(random: Random, user: Pick<SimUser, 'interestKeys'>): { interest: InterestKey; query: string } {
  const interest = searchInterest(random, user);
  return { interest, query: pickOne(random, SEARCH_QUERIES[interest]) };
}
