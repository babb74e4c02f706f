"""Course tooling that students never receive: build the student notebooks and
autograder zips from the masters, grade submissions, write the student release."""
