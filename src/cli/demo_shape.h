/*
 * demo_shape: the shape of the seed's district that every generator shares
 * — how many enterprises and institutions of each category, of which kind,
 * and the word their names end in.  The demo district (demo_data.c) and the
 * districts of `gen scale` (bench_data.c) are both built to it.  Data only.
 */
#ifndef SANLING_DEMO_SHAPE_H
#define SANLING_DEMO_SHAPE_H

struct demo_category {
	const char *category; /* subject_category code */
	const char *kind;     /* subject_kind code */
	const char *word;     /* what a name ends in: 学校, 饭店 … */
	int n;                /* how many in a district */
};

#define DEMO_NCATEGORIES 15

/* 1,726 enterprises and institutions in all, in this order. */
extern const struct demo_category demo_categories[DEMO_NCATEGORIES];

#endif
