# A malformed format definition is reported as FILE:LINE: what is wrong.
mkdir -p p/formats
printf 'format mine\nlayout nginx $remote_addr [$time_local] $status\nexample 1.2.3.4 [22/Nov/2026:10:00:00 +0000] 200\nbogus line\n' > p/formats/mine.fmt
bk-parse --patterns p --list-formats || echo "status $?"
printf 'format mine\nlayout nginx $remote_addr$status\n' > p/formats/mine.fmt
bk-parse --patterns p --list-formats || echo "status $?"
printf 'format mine\nregex ^(?<ip>\\S+ (?<status>\\d+)$\nexample x\n' > p/formats/mine.fmt
bk-parse --patterns p --list-formats || echo "status $?"
printf 'format mine\nlayout apache %%h %%Z\n' > p/formats/mine.fmt
bk-parse --patterns p --list-formats || echo "status $?"
echo "-- a good one, used"
printf 'format mine\nlayout nginx $remote_addr [$time_local] $status\nexample 1.2.3.4 [22/Nov/2026:10:00:00 +0000] 200\n' > p/formats/mine.fmt
printf '1.2.3.4 [22/Nov/2026:10:00:00 +0000] 200\n' | bk-parse --patterns p --format tsv
