# samples/generate.sh still makes exactly the committed samples, and they
# are what SHA256SUMS says.
(cd "$BK_SRCDIR/samples" && sha256sum --quiet -c SHA256SUMS)
cp "$BK_SRCDIR/samples/generate.sh" .
sh generate.sh
sha256sum --quiet -c "$BK_SRCDIR/samples/SHA256SUMS"
