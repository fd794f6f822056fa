# Empty inputs, plain or compressed, give nothing and are no error.
: > empty.log
gzip -c < empty.log > empty.log.gz
bk-cat empty.log empty.log.gz
