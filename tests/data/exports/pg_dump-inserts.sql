--
-- PostgreSQL database dump
--

\restrict 9WKtrGZESri8P07cjw4LnIoJYu5paIxrBapfh3MuYoFVIXbdfjVD6I3ltJo5AAw

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: benefits; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.benefits (
    id integer NOT NULL,
    kiso_nenkin_no character varying(12),
    paid_on date,
    amount integer
);


--
-- Name: inquiries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.inquiries (
    id integer NOT NULL,
    email character varying(80),
    phone character varying(20),
    body text
);


--
-- Name: persons; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.persons (
    id integer NOT NULL,
    shimei character varying(40),
    kana_name character varying(60),
    seinengappi date,
    kiso_nenkin_no character varying(12),
    email character varying(80),
    phone character varying(20),
    jusho character varying(120),
    memo text
);


--
-- Data for Name: benefits; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.benefits VALUES (1, '2544-124276', '2015-01-15', 79000);
INSERT INTO public.benefits VALUES (2, '8631-627620', '2015-01-15', 99000);
INSERT INTO public.benefits VALUES (3, '8693-842692', '2015-01-15', 64000);
INSERT INTO public.benefits VALUES (4, '1425-622935', '2015-01-15', 52000);
INSERT INTO public.benefits VALUES (5, '2718-922927', '2015-01-15', 137000);
INSERT INTO public.benefits VALUES (6, '3803-678449', '2015-01-15', 85000);
INSERT INTO public.benefits VALUES (7, '4037-381684', '2015-01-15', 113000);
INSERT INTO public.benefits VALUES (8, '3094-539548', '2015-01-15', 94000);
INSERT INTO public.benefits VALUES (9, '9229-322044', '2015-01-15', 63000);
INSERT INTO public.benefits VALUES (10, '1455-596299', '2015-01-15', 90000);
INSERT INTO public.benefits VALUES (11, '4246-110645', '2015-01-15', 98000);
INSERT INTO public.benefits VALUES (12, '3606-263855', '2015-01-15', 116000);
INSERT INTO public.benefits VALUES (13, '1834-317807', '2015-01-15', 62000);
INSERT INTO public.benefits VALUES (14, '2394-778965', '2015-01-15', 54000);
INSERT INTO public.benefits VALUES (15, '1999-301239', '2015-01-15', 109000);
INSERT INTO public.benefits VALUES (16, '2544-124276', '2015-03-15', 55000);
INSERT INTO public.benefits VALUES (17, '8631-627620', '2015-03-15', 74000);
INSERT INTO public.benefits VALUES (18, '8693-842692', '2015-03-15', 148000);
INSERT INTO public.benefits VALUES (19, '1425-622935', '2015-03-15', 78000);
INSERT INTO public.benefits VALUES (20, '2718-922927', '2015-03-15', 129000);
INSERT INTO public.benefits VALUES (21, '3803-678449', '2015-03-15', 95000);
INSERT INTO public.benefits VALUES (22, '4037-381684', '2015-03-15', 96000);
INSERT INTO public.benefits VALUES (23, '3094-539548', '2015-03-15', 67000);
INSERT INTO public.benefits VALUES (24, '9229-322044', '2015-03-15', 53000);
INSERT INTO public.benefits VALUES (25, '1455-596299', '2015-03-15', 59000);
INSERT INTO public.benefits VALUES (26, '4246-110645', '2015-03-15', 104000);
INSERT INTO public.benefits VALUES (27, '3606-263855', '2015-03-15', 145000);
INSERT INTO public.benefits VALUES (28, '1834-317807', '2015-03-15', 52000);
INSERT INTO public.benefits VALUES (29, '2394-778965', '2015-03-15', 140000);
INSERT INTO public.benefits VALUES (30, '1999-301239', '2015-03-15', 84000);
INSERT INTO public.benefits VALUES (31, '2544-124276', '2015-05-15', 135000);
INSERT INTO public.benefits VALUES (32, '8631-627620', '2015-05-15', 144000);
INSERT INTO public.benefits VALUES (33, '8693-842692', '2015-05-15', 94000);
INSERT INTO public.benefits VALUES (34, '1425-622935', '2015-05-15', 139000);
INSERT INTO public.benefits VALUES (35, '2718-922927', '2015-05-15', 111000);
INSERT INTO public.benefits VALUES (36, '3803-678449', '2015-05-15', 106000);
INSERT INTO public.benefits VALUES (37, '4037-381684', '2015-05-15', 88000);
INSERT INTO public.benefits VALUES (38, '3094-539548', '2015-05-15', 135000);
INSERT INTO public.benefits VALUES (39, '9229-322044', '2015-05-15', 85000);
INSERT INTO public.benefits VALUES (40, '1455-596299', '2015-05-15', 97000);
INSERT INTO public.benefits VALUES (41, '4246-110645', '2015-05-15', 142000);
INSERT INTO public.benefits VALUES (42, '3606-263855', '2015-05-15', 133000);
INSERT INTO public.benefits VALUES (43, '1834-317807', '2015-05-15', 82000);
INSERT INTO public.benefits VALUES (44, '2394-778965', '2015-05-15', 131000);
INSERT INTO public.benefits VALUES (45, '1999-301239', '2015-05-15', 132000);


--
-- Data for Name: inquiries; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.inquiries VALUES (1, 'guest1@example.net', '090-4018-4087', '問い合わせ 1');
INSERT INTO public.inquiries VALUES (2, 'guest2@example.net', '090-2527-9821', '問い合わせ 2');
INSERT INTO public.inquiries VALUES (3, 'guest3@example.net', '090-4096-4831', '問い合わせ 3');
INSERT INTO public.inquiries VALUES (4, 'guest4@example.net', '090-3498-8718', '問い合わせ 4');
INSERT INTO public.inquiries VALUES (5, 'guest5@example.net', '090-5434-9314', '問い合わせ 5');
INSERT INTO public.inquiries VALUES (6, 'guest6@example.net', '090-9773-2941', '問い合わせ 6');
INSERT INTO public.inquiries VALUES (7, 'guest7@example.net', '090-2318-7615', '問い合わせ 7');
INSERT INTO public.inquiries VALUES (8, 'guest8@example.net', '090-7890-4709', '問い合わせ 8');
INSERT INTO public.inquiries VALUES (9, 'guest1@example.net', '090-4018-4087', '問い合わせ 9');
INSERT INTO public.inquiries VALUES (10, 'guest2@example.net', '090-2527-9821', '問い合わせ 10');


--
-- Data for Name: persons; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.persons VALUES (1, '山田 太郎', 'ヤマダ タロウ', '1987-01-14', '2544-124276', 'yamada.taro1@example.jp', '090-2713-3841', '東京都千代田区霞が関4-1-20', 'OBrien said "hi"
second line, with comma	and tab \ backslash');
INSERT INTO public.persons VALUES (2, '佐藤 花子', 'サトウ ハナコ', '1970-05-02', '8631-627620', 'sato.hanako2@example.jp', '090-9864-6143', '東京都新宿区西新宿3-16-1', '窓口で確認; 本人');
INSERT INTO public.persons VALUES (3, '鈴木 一郎', 'スズキ イチロウ', '1952-02-28', '8693-842692', 'suzuki.ichiro3@example.jp', '090-2491-4081', '東京都港区芝公園7-16-17', '');
INSERT INTO public.persons VALUES (4, '高橋 美咲', 'タカハシ ミサキ', '1971-07-14', '1425-622935', 'takahashi.misaki4@example.jp', '090-2244-4798', '東京都大阪市北区梅田6-17-3', NULL);
INSERT INTO public.persons VALUES (5, '田中 健太', 'タナカ ケンタ', '1965-10-19', '2718-922927', 'tanaka.kenta5@example.jp', '090-9938-3765', '東京都横浜市中区本町1-19-30', NULL);
INSERT INTO public.persons VALUES (6, '伊藤 陽子', 'イトウ ヨウコ', '1958-06-06', '3803-678449', 'ito.yoko6@example.jp', '090-8141-7524', '東京都千代田区霞が関9-1-16', NULL);
INSERT INTO public.persons VALUES (7, '渡辺 翔', 'ワタナベ ショウ', '1961-02-16', '4037-381684', 'watanabe.sho7@example.jp', '090-8115-8051', '東京都新宿区西新宿8-8-8', NULL);
INSERT INTO public.persons VALUES (8, '中村 愛', 'ナカムラ アイ', '1943-03-08', '3094-539548', 'nakamura.ai8@example.jp', '090-6644-9001', '東京都港区芝公園9-15-26', NULL);
INSERT INTO public.persons VALUES (9, '小林 大輔', 'コバヤシ ダイスケ', '1960-04-22', '9229-322044', 'kobayashi.daisuke9@example.jp', '090-3496-3039', '東京都大阪市北区梅田1-9-3', NULL);
INSERT INTO public.persons VALUES (10, '加藤 直美', 'カトウ ナオミ', '1967-11-24', '1455-596299', 'kato.naomi10@example.jp', '090-8519-2062', '東京都横浜市中区本町2-14-24', NULL);
INSERT INTO public.persons VALUES (11, '山田 花子', 'ヤマダ ハナコ', '1942-12-09', '4246-110645', 'yamada.hanako11@example.jp', '090-3673-5829', '東京都千代田区霞が関3-6-2', NULL);
INSERT INTO public.persons VALUES (12, '佐藤 一郎', 'サトウ イチロウ', '1974-06-12', '3606-263855', 'sato.ichiro12@example.jp', '090-3211-2351', '東京都新宿区西新宿4-16-7', NULL);
INSERT INTO public.persons VALUES (13, '鈴木 美咲', 'スズキ ミサキ', '1989-09-23', '1834-317807', 'suzuki.misaki13@example.jp', '090-4138-2240', '東京都港区芝公園8-12-27', NULL);
INSERT INTO public.persons VALUES (14, '高橋 健太', 'タカハシ ケンタ', '1955-08-12', '2394-778965', 'takahashi.kenta14@example.jp', '090-3835-5569', '東京都大阪市北区梅田9-16-13', NULL);
INSERT INTO public.persons VALUES (15, '田中 陽子', 'タナカ ヨウコ', '1945-07-11', '1999-301239', 'tanaka.yoko15@example.jp', '090-2952-7515', '東京都横浜市中区本町3-11-26', NULL);
INSERT INTO public.persons VALUES (16, '伊藤 翔', 'イトウ ショウ', '1956-09-21', '6081-966945', 'ito.sho16@example.jp', '090-5732-7326', '東京都千代田区霞が関7-3-23', NULL);
INSERT INTO public.persons VALUES (17, '渡辺 愛', 'ワタナベ アイ', '1949-09-12', '1105-314744', 'watanabe.ai17@example.jp', '090-7151-7475', '東京都新宿区西新宿1-14-15', NULL);
INSERT INTO public.persons VALUES (18, '中村 大輔', 'ナカムラ ダイスケ', '1980-03-18', '1509-394847', 'nakamura.daisuke18@example.jp', '090-8027-8542', '東京都港区芝公園4-2-3', NULL);
INSERT INTO public.persons VALUES (19, '小林 直美', 'コバヤシ ナオミ', '1940-11-26', '1184-999749', 'kobayashi.naomi19@example.jp', '090-6356-3909', '東京都大阪市北区梅田7-8-10', NULL);
INSERT INTO public.persons VALUES (20, '加藤 太郎', 'カトウ タロウ', '1956-11-22', '1146-283505', 'kato.taro20@example.jp', '090-6900-5876', '東京都横浜市中区本町5-3-6', NULL);
INSERT INTO public.persons VALUES (21, '山田 一郎', 'ヤマダ イチロウ', '1960-09-24', '3696-348379', 'yamada.ichiro21@example.jp', '090-8149-8454', '東京都千代田区霞が関7-6-7', NULL);
INSERT INTO public.persons VALUES (22, '佐藤 美咲', 'サトウ ミサキ', '1961-07-19', '8370-066857', 'sato.misaki22@example.jp', '090-6906-8741', '東京都新宿区西新宿1-12-25', NULL);
INSERT INTO public.persons VALUES (23, '鈴木 健太', 'スズキ ケンタ', '1980-03-23', '5881-790586', 'suzuki.kenta23@example.jp', '090-5403-3600', '東京都港区芝公園1-1-22', NULL);
INSERT INTO public.persons VALUES (24, '高橋 陽子', 'タカハシ ヨウコ', '1944-10-28', '2781-467157', 'takahashi.yoko24@example.jp', '090-6396-8941', '東京都大阪市北区梅田8-7-11', NULL);
INSERT INTO public.persons VALUES (25, '田中 翔', 'タナカ ショウ', '1948-11-04', '9979-309720', 'tanaka.sho25@example.jp', '090-9846-6588', '東京都横浜市中区本町2-14-11', NULL);
INSERT INTO public.persons VALUES (26, '伊藤 愛', 'イトウ アイ', '1980-01-11', '2582-841747', 'ito.ai26@example.jp', '090-3507-7251', '東京都千代田区霞が関2-14-3', NULL);
INSERT INTO public.persons VALUES (27, '渡辺 大輔', 'ワタナベ ダイスケ', '1969-06-09', '3219-325084', 'watanabe.daisuke27@example.jp', '090-9046-8459', '東京都新宿区西新宿8-19-13', NULL);
INSERT INTO public.persons VALUES (28, '中村 直美', 'ナカムラ ナオミ', '1947-03-22', '2288-713458', 'nakamura.naomi28@example.jp', '090-4944-7147', '東京都港区芝公園5-2-2', NULL);
INSERT INTO public.persons VALUES (29, '小林 太郎', 'コバヤシ タロウ', '1945-07-13', '2269-857160', 'kobayashi.taro29@example.jp', '090-2140-4570', '東京都大阪市北区梅田4-2-16', NULL);
INSERT INTO public.persons VALUES (30, '加藤 花子', 'カトウ ハナコ', '1943-11-10', '1421-069527', 'kato.hanako30@example.jp', '090-9479-9821', '東京都横浜市中区本町8-14-13', NULL);


--
-- Name: benefits benefits_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.benefits
    ADD CONSTRAINT benefits_pkey PRIMARY KEY (id);


--
-- Name: inquiries inquiries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.inquiries
    ADD CONSTRAINT inquiries_pkey PRIMARY KEY (id);


--
-- Name: persons persons_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.persons
    ADD CONSTRAINT persons_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict 9WKtrGZESri8P07cjw4LnIoJYu5paIxrBapfh3MuYoFVIXbdfjVD6I3ltJo5AAw

