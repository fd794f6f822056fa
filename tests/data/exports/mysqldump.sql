/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: pension
-- ------------------------------------------------------
-- Server version	10.11.19-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

--
-- Table structure for table `benefits`
--

DROP TABLE IF EXISTS `benefits`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `benefits` (
  `id` int(11) NOT NULL,
  `kiso_nenkin_no` varchar(12) DEFAULT NULL,
  `paid_on` date DEFAULT NULL,
  `amount` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `benefits`
--

LOCK TABLES `benefits` WRITE;
/*!40000 ALTER TABLE `benefits` DISABLE KEYS */;
INSERT INTO `benefits` VALUES
(1,'2544-124276','2015-01-15',79000),
(2,'8631-627620','2015-01-15',99000),
(3,'8693-842692','2015-01-15',64000),
(4,'1425-622935','2015-01-15',52000),
(5,'2718-922927','2015-01-15',137000),
(6,'3803-678449','2015-01-15',85000),
(7,'4037-381684','2015-01-15',113000),
(8,'3094-539548','2015-01-15',94000),
(9,'9229-322044','2015-01-15',63000),
(10,'1455-596299','2015-01-15',90000),
(11,'4246-110645','2015-01-15',98000),
(12,'3606-263855','2015-01-15',116000),
(13,'1834-317807','2015-01-15',62000),
(14,'2394-778965','2015-01-15',54000),
(15,'1999-301239','2015-01-15',109000),
(16,'2544-124276','2015-03-15',55000),
(17,'8631-627620','2015-03-15',74000),
(18,'8693-842692','2015-03-15',148000),
(19,'1425-622935','2015-03-15',78000),
(20,'2718-922927','2015-03-15',129000),
(21,'3803-678449','2015-03-15',95000),
(22,'4037-381684','2015-03-15',96000),
(23,'3094-539548','2015-03-15',67000),
(24,'9229-322044','2015-03-15',53000),
(25,'1455-596299','2015-03-15',59000),
(26,'4246-110645','2015-03-15',104000),
(27,'3606-263855','2015-03-15',145000),
(28,'1834-317807','2015-03-15',52000),
(29,'2394-778965','2015-03-15',140000),
(30,'1999-301239','2015-03-15',84000),
(31,'2544-124276','2015-05-15',135000),
(32,'8631-627620','2015-05-15',144000),
(33,'8693-842692','2015-05-15',94000),
(34,'1425-622935','2015-05-15',139000),
(35,'2718-922927','2015-05-15',111000),
(36,'3803-678449','2015-05-15',106000),
(37,'4037-381684','2015-05-15',88000),
(38,'3094-539548','2015-05-15',135000),
(39,'9229-322044','2015-05-15',85000),
(40,'1455-596299','2015-05-15',97000),
(41,'4246-110645','2015-05-15',142000),
(42,'3606-263855','2015-05-15',133000),
(43,'1834-317807','2015-05-15',82000),
(44,'2394-778965','2015-05-15',131000),
(45,'1999-301239','2015-05-15',132000);
/*!40000 ALTER TABLE `benefits` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `inquiries`
--

DROP TABLE IF EXISTS `inquiries`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `inquiries` (
  `id` int(11) NOT NULL,
  `email` varchar(80) DEFAULT NULL,
  `phone` varchar(20) DEFAULT NULL,
  `body` text DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `inquiries`
--

LOCK TABLES `inquiries` WRITE;
/*!40000 ALTER TABLE `inquiries` DISABLE KEYS */;
INSERT INTO `inquiries` VALUES
(1,'guest1@example.net','090-4018-4087','問い合わせ 1'),
(2,'guest2@example.net','090-2527-9821','問い合わせ 2'),
(3,'guest3@example.net','090-4096-4831','問い合わせ 3'),
(4,'guest4@example.net','090-3498-8718','問い合わせ 4'),
(5,'guest5@example.net','090-5434-9314','問い合わせ 5'),
(6,'guest6@example.net','090-9773-2941','問い合わせ 6'),
(7,'guest7@example.net','090-2318-7615','問い合わせ 7'),
(8,'guest8@example.net','090-7890-4709','問い合わせ 8'),
(9,'guest1@example.net','090-4018-4087','問い合わせ 9'),
(10,'guest2@example.net','090-2527-9821','問い合わせ 10');
/*!40000 ALTER TABLE `inquiries` ENABLE KEYS */;
UNLOCK TABLES;

--
-- Table structure for table `persons`
--

DROP TABLE IF EXISTS `persons`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `persons` (
  `id` int(11) NOT NULL,
  `shimei` varchar(40) DEFAULT NULL,
  `kana_name` varchar(60) DEFAULT NULL,
  `seinengappi` date DEFAULT NULL,
  `kiso_nenkin_no` varchar(12) DEFAULT NULL,
  `email` varchar(80) DEFAULT NULL,
  `phone` varchar(20) DEFAULT NULL,
  `jusho` varchar(120) DEFAULT NULL,
  `memo` text DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `persons`
--

LOCK TABLES `persons` WRITE;
/*!40000 ALTER TABLE `persons` DISABLE KEYS */;
INSERT INTO `persons` VALUES
(1,'山田 太郎','ヤマダ タロウ','1987-01-14','2544-124276','yamada.taro1@example.jp','090-2713-3841','東京都千代田区霞が関4-1-20','OBrien said \"hi\"\nsecond line, with comma	and tab \\ backslash'),
(2,'佐藤 花子','サトウ ハナコ','1970-05-02','8631-627620','sato.hanako2@example.jp','090-9864-6143','東京都新宿区西新宿3-16-1','窓口で確認; 本人'),
(3,'鈴木 一郎','スズキ イチロウ','1952-02-28','8693-842692','suzuki.ichiro3@example.jp','090-2491-4081','東京都港区芝公園7-16-17',''),
(4,'高橋 美咲','タカハシ ミサキ','1971-07-14','1425-622935','takahashi.misaki4@example.jp','090-2244-4798','東京都大阪市北区梅田6-17-3',NULL),
(5,'田中 健太','タナカ ケンタ','1965-10-19','2718-922927','tanaka.kenta5@example.jp','090-9938-3765','東京都横浜市中区本町1-19-30',NULL),
(6,'伊藤 陽子','イトウ ヨウコ','1958-06-06','3803-678449','ito.yoko6@example.jp','090-8141-7524','東京都千代田区霞が関9-1-16',NULL),
(7,'渡辺 翔','ワタナベ ショウ','1961-02-16','4037-381684','watanabe.sho7@example.jp','090-8115-8051','東京都新宿区西新宿8-8-8',NULL),
(8,'中村 愛','ナカムラ アイ','1943-03-08','3094-539548','nakamura.ai8@example.jp','090-6644-9001','東京都港区芝公園9-15-26',NULL),
(9,'小林 大輔','コバヤシ ダイスケ','1960-04-22','9229-322044','kobayashi.daisuke9@example.jp','090-3496-3039','東京都大阪市北区梅田1-9-3',NULL),
(10,'加藤 直美','カトウ ナオミ','1967-11-24','1455-596299','kato.naomi10@example.jp','090-8519-2062','東京都横浜市中区本町2-14-24',NULL),
(11,'山田 花子','ヤマダ ハナコ','1942-12-09','4246-110645','yamada.hanako11@example.jp','090-3673-5829','東京都千代田区霞が関3-6-2',NULL),
(12,'佐藤 一郎','サトウ イチロウ','1974-06-12','3606-263855','sato.ichiro12@example.jp','090-3211-2351','東京都新宿区西新宿4-16-7',NULL),
(13,'鈴木 美咲','スズキ ミサキ','1989-09-23','1834-317807','suzuki.misaki13@example.jp','090-4138-2240','東京都港区芝公園8-12-27',NULL),
(14,'高橋 健太','タカハシ ケンタ','1955-08-12','2394-778965','takahashi.kenta14@example.jp','090-3835-5569','東京都大阪市北区梅田9-16-13',NULL),
(15,'田中 陽子','タナカ ヨウコ','1945-07-11','1999-301239','tanaka.yoko15@example.jp','090-2952-7515','東京都横浜市中区本町3-11-26',NULL),
(16,'伊藤 翔','イトウ ショウ','1956-09-21','6081-966945','ito.sho16@example.jp','090-5732-7326','東京都千代田区霞が関7-3-23',NULL),
(17,'渡辺 愛','ワタナベ アイ','1949-09-12','1105-314744','watanabe.ai17@example.jp','090-7151-7475','東京都新宿区西新宿1-14-15',NULL),
(18,'中村 大輔','ナカムラ ダイスケ','1980-03-18','1509-394847','nakamura.daisuke18@example.jp','090-8027-8542','東京都港区芝公園4-2-3',NULL),
(19,'小林 直美','コバヤシ ナオミ','1940-11-26','1184-999749','kobayashi.naomi19@example.jp','090-6356-3909','東京都大阪市北区梅田7-8-10',NULL),
(20,'加藤 太郎','カトウ タロウ','1956-11-22','1146-283505','kato.taro20@example.jp','090-6900-5876','東京都横浜市中区本町5-3-6',NULL),
(21,'山田 一郎','ヤマダ イチロウ','1960-09-24','3696-348379','yamada.ichiro21@example.jp','090-8149-8454','東京都千代田区霞が関7-6-7',NULL),
(22,'佐藤 美咲','サトウ ミサキ','1961-07-19','8370-066857','sato.misaki22@example.jp','090-6906-8741','東京都新宿区西新宿1-12-25',NULL),
(23,'鈴木 健太','スズキ ケンタ','1980-03-23','5881-790586','suzuki.kenta23@example.jp','090-5403-3600','東京都港区芝公園1-1-22',NULL),
(24,'高橋 陽子','タカハシ ヨウコ','1944-10-28','2781-467157','takahashi.yoko24@example.jp','090-6396-8941','東京都大阪市北区梅田8-7-11',NULL),
(25,'田中 翔','タナカ ショウ','1948-11-04','9979-309720','tanaka.sho25@example.jp','090-9846-6588','東京都横浜市中区本町2-14-11',NULL),
(26,'伊藤 愛','イトウ アイ','1980-01-11','2582-841747','ito.ai26@example.jp','090-3507-7251','東京都千代田区霞が関2-14-3',NULL),
(27,'渡辺 大輔','ワタナベ ダイスケ','1969-06-09','3219-325084','watanabe.daisuke27@example.jp','090-9046-8459','東京都新宿区西新宿8-19-13',NULL),
(28,'中村 直美','ナカムラ ナオミ','1947-03-22','2288-713458','nakamura.naomi28@example.jp','090-4944-7147','東京都港区芝公園5-2-2',NULL),
(29,'小林 太郎','コバヤシ タロウ','1945-07-13','2269-857160','kobayashi.taro29@example.jp','090-2140-4570','東京都大阪市北区梅田4-2-16',NULL),
(30,'加藤 花子','カトウ ハナコ','1943-11-10','1421-069527','kato.hanako30@example.jp','090-9479-9821','東京都横浜市中区本町8-14-13',NULL);
/*!40000 ALTER TABLE `persons` ENABLE KEYS */;
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed
