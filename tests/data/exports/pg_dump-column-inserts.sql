--
-- PostgreSQL database dump
--

\restrict 4JAWqraU8zuGgLnPKSkrrKqPWluSP5KdMZyWPL7gpGb5s7QWmcdwdhP1cp5chFM

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
-- Name: inquiries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.inquiries (
    id integer NOT NULL,
    email character varying(80),
    phone character varying(20),
    body text
);


--
-- Data for Name: inquiries; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.inquiries (id, email, phone, body) VALUES (1, 'guest1@example.net', '090-4018-4087', '問い合わせ 1');
INSERT INTO public.inquiries (id, email, phone, body) VALUES (2, 'guest2@example.net', '090-2527-9821', '問い合わせ 2');
INSERT INTO public.inquiries (id, email, phone, body) VALUES (3, 'guest3@example.net', '090-4096-4831', '問い合わせ 3');
INSERT INTO public.inquiries (id, email, phone, body) VALUES (4, 'guest4@example.net', '090-3498-8718', '問い合わせ 4');
INSERT INTO public.inquiries (id, email, phone, body) VALUES (5, 'guest5@example.net', '090-5434-9314', '問い合わせ 5');
INSERT INTO public.inquiries (id, email, phone, body) VALUES (6, 'guest6@example.net', '090-9773-2941', '問い合わせ 6');
INSERT INTO public.inquiries (id, email, phone, body) VALUES (7, 'guest7@example.net', '090-2318-7615', '問い合わせ 7');
INSERT INTO public.inquiries (id, email, phone, body) VALUES (8, 'guest8@example.net', '090-7890-4709', '問い合わせ 8');
INSERT INTO public.inquiries (id, email, phone, body) VALUES (9, 'guest1@example.net', '090-4018-4087', '問い合わせ 9');
INSERT INTO public.inquiries (id, email, phone, body) VALUES (10, 'guest2@example.net', '090-2527-9821', '問い合わせ 10');


--
-- Name: inquiries inquiries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.inquiries
    ADD CONSTRAINT inquiries_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict 4JAWqraU8zuGgLnPKSkrrKqPWluSP5KdMZyWPL7gpGb5s7QWmcdwdhP1cp5chFM

