DROP TABLE report_vocabulary;

--bun:split

DROP TABLE reports;
