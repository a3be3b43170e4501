"""Other datasets in: records of other event formats turned into a repository-shaped folder
(seeds, annotations, registries) that `eventset validate` and `eventset build` accept."""
