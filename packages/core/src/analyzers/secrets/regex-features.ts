/**
 * What the running engine's regular expressions accept, where the supported Node versions differ:
 * modifier groups (`(?i:…)`) and a group name used in more than one alternative are both V8 12.5
 * (Node 23); Node 22's V8 refuses them as syntax errors.
 */
const compiles = (source: string): boolean => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
};

export const ENGINE_HAS_MODIFIER_GROUPS = compiles('(?i:a)');
export const ENGINE_REPEATS_GROUP_NAMES = compiles('(?<a>x)|(?<a>y)');
