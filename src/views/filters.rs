//! The catalog's filter panel: which groups start open, and how many skills show before
//! "More skills".

use super::catalog::Choice;

/// Skills shown before "More skills" (the most common first; chosen ones always show).
pub const TOP_SKILLS: usize = 5;

/// Whether a group has a choice other than its "Any" default, so it starts open.
pub fn any_chosen(choices: &[Choice]) -> bool {
    choices.iter().any(|c| c.checked && !c.value.is_empty())
}

/// Whether a skill shows before "More skills": one of the first few, or chosen.
pub fn is_top_skill(index0: &usize, choice: &Choice) -> bool {
    *index0 < TOP_SKILLS || choice.checked
}

/// How many skills "More skills" holds.
pub fn more_skills(skills: &[Choice]) -> usize {
    skills
        .iter()
        .enumerate()
        .filter(|(i, c)| !is_top_skill(i, c))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(value: &str, checked: bool) -> Choice {
        Choice {
            value: value.into(),
            label: value.into(),
            count: None,
            checked,
            id: value.into(),
        }
    }

    #[test]
    fn a_group_opens_when_something_other_than_any_is_chosen() {
        assert!(!any_chosen(&[choice("", true), choice("full_time", false)]));
        assert!(any_chosen(&[choice("", false), choice("full_time", true)]));
        assert!(!any_chosen(&[]));
    }

    #[test]
    fn chosen_skills_stay_out_of_more() {
        let skills: Vec<Choice> = (0..10).map(|i| choice(&format!("s{i}"), i == 8)).collect();
        assert_eq!(more_skills(&skills), 4);
        assert!(is_top_skill(&8, &skills[8]));
        assert!(!is_top_skill(&7, &skills[7]));
        assert!(is_top_skill(&4, &skills[4]));
        assert!(!is_top_skill(&5, &skills[5]));
    }
}
