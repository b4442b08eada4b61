<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
  <context>
    <name>S2CloudFree</name>
    <message>
      <source>Cloud masks</source>
      <translation>Wolkenmasken</translation>
    </message>
    <message>
      <source>Composites</source>
      <translation>Komposite</translation>
    </message>
    <message>
      <source>Cloud removal</source>
      <translation>Wolkenentfernung</translation>
    </message>
    <message>
      <source>Evaluation</source>
      <translation>Bewertung</translation>
    </message>
    <message>
      <source>Utilities</source>
      <translation>Werkzeuge</translation>
    </message>
    <message>
      <source>Benchmark cloud removal methods (report)</source>
      <translation>Wolkenentfernungsverfahren vergleichen (Bericht)</translation>
    </message>
    <message>
      <source>Sentinel-2 layers (the time series)</source>
      <translation>Sentinel-2-Layer (die Zeitreihe)</translation>
    </message>
    <message>
      <source>Cloud masks (one per Sentinel-2 layer; 0 = clear, anything else = cloud)</source>
      <translation>Wolkenmasken (eine je Sentinel-2-Layer; 0 = klar, alles andere = Wolke)</translation>
    </message>
    <message>
      <source>Region of interest (default: the first Sentinel-2 layer)</source>
      <translation>Interessensgebiet (Vorgabe: der erste Sentinel-2-Layer)</translation>
    </message>
    <message>
      <source>Sentinel-1 layers (VV, VH in dB; optional)</source>
      <translation>Sentinel-1-Layer (VV, VH in dB; optional)</translation>
    </message>
    <message>
      <source>Cloud-free truth, one per S2 layer (optional)</source>
      <translation>Wolkenfreie Referenz, eine je S2-Layer (optional)</translation>
    </message>
    <message>
      <source>seq2point model (checkpoint file .pt, or a registry name; optional)</source>
      <translation>seq2point-Modell (Checkpoint-Datei .pt oder ein Registry-Name; optional)</translation>
    </message>
    <message>
      <source>Device (auto, cpu, cuda, cuda:N, mps)</source>
      <translation>Gerät (auto, cpu, cuda, cuda:N, mps)</translation>
    </message>
    <message>
      <source>Processing baseline 04.00 offset (+1000 DN)</source>
      <translation>Versatz ab Processing Baseline 04.00 (+1000 DN)</translation>
    </message>
    <message>
      <source>Automatic: metadata, else acquisition date and values</source>
      <translation>Automatisch: Metadaten, sonst Aufnahmedatum und Werte</translation>
    </message>
    <message>
      <source>Remove the 1000 DN offset from every layer</source>
      <translation>Den Versatz von 1000 DN aus jedem Layer entfernen</translation>
    </message>
    <message>
      <source>Use the values as they are</source>
      <translation>Die Werte unverändert verwenden</translation>
    </message>
    <message>
      <source>Protocols</source>
      <translation>Protokolle</translation>
    </message>
    <message>
      <source>Sequence-to-sequence (clouds of the cloudiest date blended onto the least cloudy)</source>
      <translation>Sequence-to-Sequence (Wolken des bewölktesten Termins auf den am wenigsten bewölkten überblendet)</translation>
    </message>
    <message>
      <source>Sequence-to-point (n input dates, target = the least cloudy date)</source>
      <translation>Sequence-to-Point (n Eingabetermine, Ziel = der am wenigsten bewölkte Termin)</translation>
    </message>
    <message>
      <source>Methods</source>
      <translation>Verfahren</translation>
    </message>
    <message>
      <source>Least cloudy date</source>
      <translation>Am wenigsten bewölkter Termin</translation>
    </message>
    <message>
      <source>Mosaicing (mean of clear observations)</source>
      <translation>Mosaikbildung (Mittel der klaren Beobachtungen)</translation>
    </message>
    <message>
      <source>Temporal linear interpolation</source>
      <translation>Zeitliche lineare Interpolation</translation>
    </message>
    <message>
      <source>seq2seq internal learning, noise input</source>
      <translation>seq2seq internes Lernen, Rauschen als Eingabe</translation>
    </message>
    <message>
      <source>seq2seq internal learning, S1 input (needs S1_LAYERS)</source>
      <translation>seq2seq internes Lernen, S1 als Eingabe (braucht S1_LAYERS)</translation>
    </message>
    <message>
      <source>seq2point network (needs MODEL)</source>
      <translation>seq2point-Netz (braucht MODEL)</translation>
    </message>
    <message>
      <source>Input dates of the sequence-to-point protocol (n; a MODEL sets its own)</source>
      <translation>Eingabetermine des Sequence-to-Point-Protokolls (n; ein MODEL legt seine eigene fest)</translation>
    </message>
    <message>
      <source>seq2seq schedule</source>
      <translation>seq2seq-Ablaufplan</translation>
    </message>
    <message>
      <source>fast (the seq2seq algorithm's default)</source>
      <translation>fast (die Vorgabe des seq2seq-Algorithmus)</translation>
    </message>
    <message>
      <source>paper (20 passes x 100 steps per batch of 5 dates; slow)</source>
      <translation>paper (20 Durchläufe × 100 Schritte je Stapel von 5 Terminen; langsam)</translation>
    </message>
    <message>
      <source>Input dates of the sequence-to-point protocol</source>
      <translation>Eingabetermine des Sequence-to-Point-Protokolls</translation>
    </message>
    <message>
      <source>The first n dates in time order (as SEN12MS-CR-TS)</source>
      <translation>Die ersten n Termine in zeitlicher Reihenfolge (wie SEN12MS-CR-TS)</translation>
    </message>
    <message>
      <source>The n dates nearest in time to the target</source>
      <translation>Die n Termine, die dem Ziel zeitlich am nächsten sind</translation>
    </message>
    <message>
      <source>seq2seq passes (0 = preset)</source>
      <translation>seq2seq-Durchläufe (0 = Voreinstellung)</translation>
    </message>
    <message>
      <source>seq2seq Adam steps per batch and pass (0 = preset)</source>
      <translation>seq2seq: Adam-Schritte je Stapel und Durchlauf (0 = Voreinstellung)</translation>
    </message>
    <message>
      <source>Dates of the sequence-to-sequence protocol (0 = all)</source>
      <translation>Termine des Sequence-to-Sequence-Protokolls (0 = alle)</translation>
    </message>
    <message>
      <source>Random seed</source>
      <translation>Zufallsstartwert</translation>
    </message>
    <message>
      <source>seq2seq tile size (pixels)</source>
      <translation>seq2seq-Kachelgröße (Pixel)</translation>
    </message>
    <message>
      <source>Largest S2-S1 date gap for pairing (days)</source>
      <translation>Größter Abstand zwischen S2- und S1-Termin für die Paarung (Tage)</translation>
    </message>
    <message>
      <source>Memory budget (MB)</source>
      <translation>Speicherbudget (MB)</translation>
    </message>
    <message>
      <source>Cloud mask method when no masks are given</source>
      <translation>Verfahren der Wolkenmaske, wenn keine Masken angegeben sind</translation>
    </message>
    <message>
      <source>s2cloudless (Level-1C; clouds)</source>
      <translation>s2cloudless (Level-1C; Wolken)</translation>
    </message>
    <message>
      <source>Sen2Cor scene classification (an SCL layer; clouds, shadows, cirrus)</source>
      <translation>Sen2Cor-Szenenklassifikation (ein SCL-Layer; Wolken, Schatten, Zirrus)</translation>
    </message>
    <message>
      <source>ukis-csmask detector (Level-2A or Level-1C; clouds and shadows)</source>
      <translation>ukis-csmask-Detektor (Level-2A oder Level-1C; Wolken und Schatten)</translation>
    </message>
    <message>
      <source>Automatic: s2cloudless for Level-1C, ukis-csmask for Level-2A</source>
      <translation>Automatisch: s2cloudless für Level-1C, ukis-csmask für Level-2A</translation>
    </message>
    <message>
      <source>Cloud probability threshold</source>
      <translation>Schwellenwert der Wolkenwahrscheinlichkeit</translation>
    </message>
    <message>
      <source>Average probability over a disk of radius (px)</source>
      <translation>Wahrscheinlichkeit mitteln über eine Kreisscheibe mit Radius (px)</translation>
    </message>
    <message>
      <source>Dilate the mask by a disk of radius (px)</source>
      <translation>Maske um eine Kreisscheibe mit Radius (px) erweitern</translation>
    </message>
    <message>
      <source>Report folder</source>
      <translation>Berichtsordner</translation>
    </message>
    <message>
      <source>Report (HTML)</source>
      <translation>Bericht (HTML)</translation>
    </message>
    <message>
      <source>Every number (JSON)</source>
      <translation>Alle Zahlen (JSON)</translation>
    </message>
    <message>
      <source>Device that ran the networks (empty: none ran)</source>
      <translation>Gerät, auf dem die Netze liefen (leer: keines lief)</translation>
    </message>
    <message>
      <source>Runs the evaluation protocols of SEN12MS-CR-TS (Ebel et al. 2022) over a series for every available method and writes a report folder: index.html (metric table with the best value per column marked, pictures of inputs, masks, prediction, target and absolute error per method) and report.json (every number). Open index.html in a browser; it needs no network.</source>
      <translation>Führt die Bewertungsprotokolle von SEN12MS-CR-TS (Ebel et al. 2022) für jedes verfügbare Verfahren auf einer Zeitreihe aus und schreibt einen Berichtsordner: index.html (Metriktabelle mit markiertem besten Wert je Spalte, Bilder der Eingaben, Masken, Vorhersage, des Ziels und des absoluten Fehlers je Verfahren) und report.json (alle Zahlen). Öffnen Sie index.html in einem Browser; eine Netzwerkverbindung ist dafür nicht nötig.</translation>
    </message>
    <message>
      <source>Sequence-to-sequence protocol: the least cloudy date is the target and the cloudy pixels of the most cloudy date are blended onto it; each method reconstructs the series and its image of the target date is scored against the original target.
Sequence-to-point protocol: the least cloudy date is the target, N_INPUTS other dates are the inputs (INPUT_SELECTION: the first in time order, as the data set does, or the nearest); each method makes one image from the inputs.</source>
      <translation>Sequence-to-Sequence-Protokoll: Das am wenigsten bewölkte Aufnahmedatum ist das Ziel, und die bewölkten Pixel des am stärksten bewölkten Aufnahmedatums werden darauf überblendet; jedes Verfahren rekonstruiert die Zeitreihe, und sein Bild des Zieldatums wird gegen das ursprüngliche Ziel bewertet.
Sequence-to-Point-Protokoll: Das am wenigsten bewölkte Aufnahmedatum ist das Ziel, N_INPUTS andere Aufnahmedaten sind die Eingaben (INPUT_SELECTION: die ersten in zeitlicher Reihenfolge, wie im Datensatz, oder die zeitlich nächstgelegenen); jedes Verfahren erzeugt aus den Eingaben ein Bild.</translation>
    </message>
    <message>
      <source>Methods: least cloudy, mosaicing (the paper's 0.5 where never clear), temporal linear interpolation, seq2seq internal learning with noise or S1 input (PRESET; PASSES and STEPS override it for a shorter run), and the seq2point network when MODEL is given. Methods that cannot run are listed with the reason.</source>
      <translation>Verfahren: am wenigsten bewölkt, Mosaikbildung (0.5 der Veröffentlichung, wo nie klar), zeitliche lineare Interpolation, seq2seq internes Lernen mit Rauschen oder S1 als Eingabe (PRESET; PASSES und STEPS überschreiben es für einen kürzeren Lauf) und das seq2point-Netz, wenn MODEL angegeben ist. Verfahren, die nicht ausgeführt werden können, werden mit Begründung aufgeführt.</translation>
    </message>
    <message>
      <source>TRUTH_LAYERS (optional, one cloud-free image per S2 layer, such as the generated sample's truth): the target is then scored against its true cloud-free image. MAX_DATES keeps only the target, the source and the dates nearest the target for the sequence-to-sequence protocol (seq2seq cost grows with the number of dates). The whole region is held in memory: keep it to a few hundred pixels a side (EXTENT); MEMORY_MB refuses larger runs with a clear message.</source>
      <translation>TRUTH_LAYERS (optional, ein wolkenfreies Bild je S2-Layer, etwa die wolkenfreie Referenz der erzeugten Beispielzeitreihe): Das Zieldatum wird dann gegen sein wahres wolkenfreies Bild bewertet. MAX_DATES behält für das Sequence-to-Sequence-Protokoll nur das Ziel, die Quelle und die dem Ziel nächstgelegenen Aufnahmedaten (der Aufwand von seq2seq wächst mit der Anzahl der Aufnahmedaten). Das ganze Gebiet wird im Speicher gehalten: Begrenzen Sie es auf wenige hundert Pixel je Seite (EXTENT); MEMORY_MB lehnt größere Läufe mit einer klaren Meldung ab.</translation>
    </message>
    <message>
      <source>Metrics on reflectance in [0, 1]: RMSE, PSNR (dB), SSIM (11 x 11 Gaussian, sigma 1.5), SAM (degrees), RMSE over cloudy and clear pixels. DEVICE: auto, cpu, cuda, cuda:N or mps; the device that ran is logged and written in the report.</source>
      <translation>Metriken auf Reflektanz in [0, 1]: RMSE, PSNR (dB), SSIM (11 x 11 Gauß, Sigma 1.5), SAM (Grad), RMSE über bewölkte und über klare Pixel. DEVICE: auto, cpu, cuda, cuda:N oder mps; das verwendete Gerät wird protokolliert und in den Bericht geschrieben.</translation>
    </message>
    <message>
      <source>Without MASK_LAYERS, masks are computed with s2cloudless first. Cloud masks follow s2cloudless with the settings of the SEN12MS-CR-TS data set: THRESHOLD 0.4 on the cloud probability, AVERAGE_OVER 4 (radius in pixels of the disk the probability is averaged over before thresholding) and DILATION_SIZE 2 (radius of the disk the mask is dilated with). The s2cloudless package's own defaults are 1 and 1.</source>
      <translation>Ohne MASK_LAYERS werden die Masken zuerst mit s2cloudless berechnet. Die Wolkenmasken folgen s2cloudless mit den Einstellungen des Datensatzes SEN12MS-CR-TS: THRESHOLD 0.4 auf die Wolkenwahrscheinlichkeit, AVERAGE_OVER 4 (Radius in Pixeln der Kreisscheibe, über die die Wahrscheinlichkeit vor der Schwellenwertbildung gemittelt wird) und DILATION_SIZE 2 (Radius der Kreisscheibe, mit der die Maske erweitert wird). Die eigenen Vorgaben des Pakets s2cloudless sind 1 und 1.</translation>
    </message>
    <message>
      <source>Cloud mask (s2cloudless, Sen2Cor SCL or ukis-csmask)</source>
      <translation>Wolkenmaske (s2cloudless, Sen2Cor-SCL oder ukis-csmask)</translation>
    </message>
    <message>
      <source>Sentinel-2 raster (Level-1C or Level-2A)</source>
      <translation>Sentinel-2-Raster (Level-1C oder Level-2A)</translation>
    </message>
    <message>
      <source>Cloud mask method</source>
      <translation>Verfahren der Wolkenmaske</translation>
    </message>
    <message>
      <source>SCL classes that are not clear (Sen2Cor method)</source>
      <translation>Nicht klare SCL-Klassen (Sen2Cor-Verfahren)</translation>
    </message>
    <message>
      <source>Sen2Cor scene classification (SCL) of the same product</source>
      <translation>Sen2Cor-Szenenklassifikation (SCL) desselben Produkts</translation>
    </message>
    <message>
      <source>Region of interest (default: the whole raster)</source>
      <translation>Interessensgebiet (Vorgabe: das ganze Raster)</translation>
    </message>
    <message>
      <source>Input values are</source>
      <translation>Eingabewerte sind</translation>
    </message>
    <message>
      <source>Detect (integers: digital numbers; floats: reflectance)</source>
      <translation>Erkennen (Ganzzahlen: Digitalwerte; Gleitkommawerte: Reflektanz)</translation>
    </message>
    <message>
      <source>Digital numbers (reflectance x 10000)</source>
      <translation>Digitalwerte (Reflektanz × 10000)</translation>
    </message>
    <message>
      <source>Reflectance (0 to 1)</source>
      <translation>Reflektanz (0 bis 1)</translation>
    </message>
    <message>
      <source>Clip reflectance above 1 before classification (as SEN12MS-CR-TS)</source>
      <translation>Reflektanz über 1 vor der Klassifikation kappen (wie SEN12MS-CR-TS)</translation>
    </message>
    <message>
      <source>Processing resolution</source>
      <translation>Verarbeitungsauflösung</translation>
    </message>
    <message>
      <source>Native (exact)</source>
      <translation>Nativ (exakt)</translation>
    </message>
    <message>
      <source>20 m (approximation)</source>
      <translation>20 m (Näherung)</translation>
    </message>
    <message>
      <source>60 m (approximation)</source>
      <translation>60 m (Näherung)</translation>
    </message>
    <message>
      <source>160 m (approximation)</source>
      <translation>160 m (Näherung)</translation>
    </message>
    <message>
      <source>Product level (ukis-csmask)</source>
      <translation>Produktstufe (ukis-csmask)</translation>
    </message>
    <message>
      <source>Detect (metadata and name; else from the bands)</source>
      <translation>Erkennen (Metadaten und Name; sonst aus den Bändern)</translation>
    </message>
    <message>
      <source>Level-2A</source>
      <translation>Level-2A</translation>
    </message>
    <message>
      <source>Level-1C</source>
      <translation>Level-1C</translation>
    </message>
    <message>
      <source>Resolution of the classification (ukis-csmask)</source>
      <translation>Auflösung der Klassifikation (ukis-csmask)</translation>
    </message>
    <message>
      <source>30 m, as the models were trained</source>
      <translation>30 m, wie die Modelle trainiert wurden</translation>
    </message>
    <message>
      <source>Native</source>
      <translation>Nativ</translation>
    </message>
    <message>
      <source>Memory budget for working arrays (MB)</source>
      <translation>Speicherbudget für Arbeitsfelder (MB)</translation>
    </message>
    <message>
      <source>Reading threads</source>
      <translation>Lese-Threads</translation>
    </message>
    <message>
      <source>Cloud mask</source>
      <translation>Wolkenmaske</translation>
    </message>
    <message>
      <source>Cloud probability</source>
      <translation>Wolkenwahrscheinlichkeit</translation>
    </message>
    <message>
      <source>Classes: 0 clear, 1 cloud, 2 cloud shadow, 3 thin cirrus, 4 snow (ukis-csmask, scl)</source>
      <translation>Klassen: 0 klar, 1 Wolke, 2 Wolkenschatten, 3 dünner Zirrus, 4 Schnee (ukis-csmask, scl)</translation>
    </message>
    <message>
      <source>Cloud fraction of the valid pixels</source>
      <translation>Wolkenanteil der gültigen Pixel</translation>
    </message>
    <message>
      <source>Cloud mask of one Sentinel-2 raster. METHOD: automatic (the default: s2cloudless for Level-1C, ukis-csmask for Level-2A, logged), s2cloudless (Level-1C, clouds), the Sen2Cor scene classification of a Level-2A product (clouds, shadows, cirrus) or ukis-csmask (Level-1C or Level-2A, clouds and shadows); each is described below.</source>
      <translation>Wolkenmaske eines Sentinel-2-Rasters. METHOD: automatisch (die Vorgabe: s2cloudless für Level-1C, ukis-csmask für Level-2A, wird protokolliert), s2cloudless (Level-1C, Wolken), die Sen2Cor-Szenenklassifikation eines Level-2A-Produkts (Wolken, Schatten, Zirrus) oder ukis-csmask (Level-1C oder Level-2A, Wolken und Schatten); jedes Verfahren wird unten beschrieben.</translation>
    </message>
    <message>
      <source>s2cloudless is the classifier of SEN12MS-CR-TS. At native resolution masks are identical to s2cloudless's S2PixelCloudDetector on the same pixels (probabilities within 1e-6), also on scenes processed window by window; a compiled tree engine makes it several times faster.</source>
      <translation>s2cloudless ist der Klassifikator von SEN12MS-CR-TS. In nativer Auflösung sind die Masken identisch mit denen des S2PixelCloudDetector von s2cloudless auf denselben Pixeln (Wahrscheinlichkeiten bis auf 1e-6 gleich), auch bei fensterweise verarbeiteten Szenen; eine kompilierte Baum-Engine macht die Berechnung um ein Mehrfaches schneller.</translation>
    </message>
    <message>
      <source>OUTPUT_MASK: uint8, 1 = not clear, 0 = clear, 255 = nodata where the input has none. OUTPUT_PROBABILITY (optional): float32 cloud probability. CLOUD_FRACTION: the share of valid pixels that are cloudy.</source>
      <translation>OUTPUT_MASK: uint8, 1 = nicht klar, 0 = klar, 255 = NoData, wo die Eingabe keine Daten hat. OUTPUT_PROBABILITY (optional): Wolkenwahrscheinlichkeit als float32. CLOUD_FRACTION: der Anteil der gültigen Pixel, die bewölkt sind.</translation>
    </message>
    <message>
      <source>Cloud masks follow s2cloudless with the settings of the SEN12MS-CR-TS data set: THRESHOLD 0.4 on the cloud probability, AVERAGE_OVER 4 (radius in pixels of the disk the probability is averaged over before thresholding) and DILATION_SIZE 2 (radius of the disk the mask is dilated with). The s2cloudless package's own defaults are 1 and 1.</source>
      <translation>Die Wolkenmasken folgen s2cloudless mit den Einstellungen des Datensatzes SEN12MS-CR-TS: THRESHOLD 0.4 für die Wolkenwahrscheinlichkeit, AVERAGE_OVER 4 (Radius in Pixeln der Kreisscheibe, über die die Wahrscheinlichkeit vor der Schwellenwertbildung gemittelt wird) und DILATION_SIZE 2 (Radius der Kreisscheibe, um die die Maske erweitert wird). Die eigenen Vorgaben des Pakets s2cloudless sind 1 und 1.</translation>
    </message>
    <message>
      <source>The input needs the bands B01 B02 B04 B05 B08 B8A B09 B10 B11 B12: 13 bands in L1C order, or any band set whose band descriptions name them. The classifier was trained on Level-1C; Level-2A input runs with a warning but its probabilities are not reliable.</source>
      <translation>Die Eingabe benötigt die Bänder B01 B02 B04 B05 B08 B8A B09 B10 B11 B12: 13 Bänder in L1C-Reihenfolge oder einen beliebigen Bandsatz, dessen Bandbeschreibungen sie benennen. Der Klassifikator wurde mit Level-1C trainiert; eine Level-2A-Eingabe wird mit einer Warnung verarbeitet, ihre Wahrscheinlichkeiten sind aber nicht zuverlässig.</translation>
    </message>
    <message>
      <source>Advanced: INPUT_SCALE (digital numbers or reflectance; detected by default); HARMONIZE removes the +1000 DN offset of products of processing baseline 04.00 and later (rule below); CLIP_REFLECTANCE (on by default) clips reflectance above 1 (DN 10000) before classification, as SEN12MS-CR-TS prepares its inputs (off: exactly as the s2cloudless package on the unclipped values; on the real test scene 308 of 438,272 pixels have such values, the probability of 297 changes by at most 0.005 and no mask pixel changes); RESOLUTION computes probabilities on area-averaged bands at 20, 60 or 160 m and resamples them back (much faster on whole tiles, but an approximation: only native is exact); DEVICE 'cuda' runs the tree evaluation on the GPU.</source>
      <translation>Erweitert: INPUT_SCALE (Digitalwerte oder Reflektanz; standardmäßig erkannt); HARMONIZE entfernt den Versatz von +1000 DN bei Produkten ab Processing Baseline 04.00 (Regel siehe unten); CLIP_REFLECTANCE (standardmäßig aktiviert) kappt Reflektanzwerte über 1 (DN 10000) vor der Klassifikation, so wie SEN12MS-CR-TS seine Eingaben aufbereitet (deaktiviert: genau wie das Paket s2cloudless auf den ungekappten Werten; in der echten Testszene haben 308 von 438.272 Pixeln solche Werte, die Wahrscheinlichkeit von 297 davon ändert sich um höchstens 0,005 und kein Maskenpixel ändert sich); RESOLUTION berechnet die Wahrscheinlichkeiten auf flächengemittelten Bändern mit 20, 60 oder 160 m und tastet sie zurück auf das Ausgangsraster um (auf ganzen Kacheln viel schneller, aber eine Näherung: nur die native Auflösung ist exakt); DEVICE 'cuda' führt die Auswertung der Entscheidungsbäume auf der GPU aus.</translation>
    </message>
    <message>
      <source>METHOD 'Sen2Cor scene classification' turns the SCL layer that comes with every Level-2A product into the mask instead of running s2cloudless: SCL_CLASSES are the classes that are not clear (default 3,8,9,10: cloud shadows, cloud medium and high probability, thin cirrus; add 11 to count snow, 1 for saturated pixels), class 0 and pixels the Sentinel-2 layer does not observe are nodata. An SCL at 20 m is resampled onto the 10 m grid by nearest neighbour. The SCL layer goes in SCL; INPUT is the Sentinel-2 layer of the same product (the mask's grid and its observed pixels); the s2cloudless settings and OUTPUT_PROBABILITY do not apply.</source>
      <translation>METHOD 'Sen2Cor-Szenenklassifikation' macht aus dem SCL-Layer, der mit jedem Level-2A-Produkt geliefert wird, die Maske, statt s2cloudless auszuführen: SCL_CLASSES sind die Klassen, die nicht klar sind (Vorgabe 3,8,9,10: Wolkenschatten, Wolken mittlerer und hoher Wahrscheinlichkeit, dünner Zirrus; 11 hinzufügen, um Schnee mitzuzählen, 1 für gesättigte Pixel), Klasse 0 und Pixel, die der Sentinel-2-Layer nicht beobachtet, sind NoData. Ein SCL mit 20 m wird per nächstem Nachbarn auf das 10-m-Raster umgetastet. Der SCL-Layer gehört in SCL; INPUT ist der Sentinel-2-Layer desselben Produkts (Raster der Maske und ihre beobachteten Pixel); die s2cloudless-Einstellungen und OUTPUT_PROBABILITY gelten nicht.</translation>
    </message>
    <message>
      <source>METHOD 'ukis-csmask' runs the cloud and cloud-shadow detector of DLR's ukis-csmask package (Apache-2.0; trained U-Nets shipped inside the package, run with onnxruntime, nothing downloaded) on Level-2A or Level-1C: the 6-band model when B02 B03 B04 B08 B11 B12 are there, else the 4-band model (B02 B03 B04 B08); by default at 30 m, as its models were trained (blocks averaged, classes given back to the 10 m pixels). Needs the Python packages ukis-csmask and onnxruntime. PRODUCT_LEVEL and CSMASK_RESOLUTION (advanced) choose the model and the resolution. OUTPUT_CLASSES (optional; ukis-csmask and scl) keeps the kinds apart: 0 clear, 1 cloud, 2 cloud shadow, and with scl also 3 thin cirrus and 4 snow or ice (whatever SCL_CLASSES counts as not clear).</source>
      <translation>METHOD 'ukis-csmask' führt den Wolken- und Wolkenschattendetektor des Pakets ukis-csmask des DLR aus (Apache-2.0; trainierte U-Nets, die im Paket mitgeliefert und mit onnxruntime ausgeführt werden, es wird nichts heruntergeladen), und zwar auf Level-2A oder Level-1C: das 6-Band-Modell, wenn B02 B03 B04 B08 B11 B12 vorhanden sind, sonst das 4-Band-Modell (B02 B03 B04 B08); standardmäßig mit 30 m, wie seine Modelle trainiert wurden (Blöcke gemittelt, Klassen an die 10-m-Pixel zurückgegeben). Benötigt die Python-Pakete ukis-csmask und onnxruntime. PRODUCT_LEVEL und CSMASK_RESOLUTION (erweitert) wählen das Modell und die Auflösung. OUTPUT_CLASSES (optional; ukis-csmask und scl) hält die Arten auseinander: 0 klar, 1 Wolke, 2 Wolkenschatten und mit scl außerdem 3 dünner Zirrus und 4 Schnee oder Eis (soweit SCL_CLASSES sie als nicht klar zählt).</translation>
    </message>
    <message>
      <source>Products of processing baseline 04.00 and later (acquired from 25 January 2022) carry a +1000 DN offset. HARMONIZE (advanced) removes it as each layer is read, so that a series spanning the change is on one scale: 'auto' (default) takes the offset from the metadata (RADIO_ADD_OFFSET / BOA_ADD_OFFSET, or the processing baseline), else assumes none before 25 January 2022, else removes it when the layer has no value below 1000 DN in any band (already harmonised products, as Earth Engine and Sentinel Hub deliver them, keep their values); the log says per layer what was done. Outputs are on the pre-2022 scale (GeoTIFF tag S2CF_DN_SCALE).</source>
      <translation>Produkte ab Processing Baseline 04.00 (aufgenommen ab dem 25. Januar 2022) enthalten einen Versatz von +1000 DN. HARMONIZE (erweitert) entfernt ihn beim Lesen jedes Layers, sodass eine Zeitreihe, die über den Wechsel hinweg reicht, auf einer einheitlichen Skala liegt: 'auto' (Vorgabe) entnimmt den Versatz den Metadaten (RADIO_ADD_OFFSET / BOA_ADD_OFFSET oder der Processing Baseline), nimmt andernfalls vor dem 25. Januar 2022 keinen Versatz an und entfernt ihn andernfalls, wenn der Layer in keinem Band einen Wert unter 1000 DN hat (bereits harmonisierte Produkte, wie Earth Engine und Sentinel Hub sie liefern, behalten ihre Werte); das Protokoll gibt je Layer an, was getan wurde. Die Ausgaben liegen auf der Skala vor 2022 (GeoTIFF-Tag S2CF_DN_SCALE).</translation>
    </message>
    <message>
      <source>Cloud masks of a time series (s2cloudless, Sen2Cor SCL or ukis-csmask)</source>
      <translation>Wolkenmasken einer Zeitreihe (s2cloudless, Sen2Cor-SCL oder ukis-csmask)</translation>
    </message>
    <message>
      <source>Sentinel-2 L1C layers (the time series)</source>
      <translation>Sentinel-2-L1C-Layer (die Zeitreihe)</translation>
    </message>
    <message>
      <source>Sen2Cor scene classifications (SCL), one per Sentinel-2 layer</source>
      <translation>Sen2Cor-Szenenklassifikationen (SCL), eine je Sentinel-2-Layer</translation>
    </message>
    <message>
      <source>Region of interest (default: each whole raster)</source>
      <translation>Interessensgebiet (Vorgabe: jedes ganze Raster)</translation>
    </message>
    <message>
      <source>Output folder for the masks</source>
      <translation>Ausgabeordner für die Masken</translation>
    </message>
    <message>
      <source>Cloud fractions (%)</source>
      <translation>Wolkenanteile (%)</translation>
    </message>
    <message>
      <source>Runs 'Cloud mask (s2cloudless)' on every Sentinel-2 Level-1C layer of a series and writes one mask per layer into OUTPUT_FOLDER, named after the layer (&lt;name&gt;_cloudmask.tif; uint8, 1 = cloud, 0 = clear, 255 = nodata), cropped to EXTENT when it is set. The output MASK_LAYERS lists them in the order of S2_LAYERS, so that in a model it feeds the MASK_LAYERS input of the compositing and cloud removal algorithms. CLOUD_FRACTIONS gives each layer's cloud share of its valid pixels, in percent, comma-separated.</source>
      <translation>Führt 'Wolkenmaske (s2cloudless)' auf jedem Sentinel-2-Level-1C-Layer einer Zeitreihe aus und schreibt je Layer eine Maske in OUTPUT_FOLDER, benannt nach dem Layer (&lt;name&gt;_cloudmask.tif; uint8, 1 = Wolke, 0 = klar, 255 = NoData), zugeschnitten auf EXTENT, wenn dieser gesetzt ist. Die Ausgabe MASK_LAYERS führt sie in der Reihenfolge von S2_LAYERS auf, sodass sie in einem Modell den Eingang MASK_LAYERS der Komposit- und Wolkenentfernungsalgorithmen speist. CLOUD_FRACTIONS gibt den Wolkenanteil jedes Layers an seinen gültigen Pixeln in Prozent an, durch Kommas getrennt.</translation>
    </message>
    <message>
      <source>METHOD 'Sen2Cor scene classification' turns the SCL layer that comes with every Level-2A product into the mask instead of running s2cloudless: SCL_CLASSES are the classes that are not clear (default 3,8,9,10: cloud shadows, cloud medium and high probability, thin cirrus; add 11 to count snow, 1 for saturated pixels), class 0 and pixels the Sentinel-2 layer does not observe are nodata. An SCL at 20 m is resampled onto the 10 m grid by nearest neighbour. The SCL layers go in SCL_LAYERS, one per Sentinel-2 layer in the same order (a date that differs from its layer's is an error).</source>
      <translation>METHOD 'Sen2Cor-Szenenklassifikation' wandelt den SCL-Layer, der mit jedem Level-2A-Produkt geliefert wird, in die Maske um, statt s2cloudless auszuführen: SCL_CLASSES sind die Klassen, die nicht klar sind (Vorgabe 3,8,9,10: Wolkenschatten, Wolken mittlerer und hoher Wahrscheinlichkeit, dünner Zirrus; 11 hinzufügen, um Schnee mitzuzählen, 1 für gesättigte Pixel); Klasse 0 und Pixel, die der Sentinel-2-Layer nicht beobachtet, sind NoData. Ein SCL mit 20 m wird per Nächster-Nachbar-Verfahren auf das 10-m-Raster umgetastet. Die SCL-Layer gehören in SCL_LAYERS, einer je Sentinel-2-Layer in derselben Reihenfolge (ein Aufnahmedatum, das von dem seines Layers abweicht, ist ein Fehler).</translation>
    </message>
    <message>
      <source>METHOD 'ukis-csmask' runs the cloud and cloud-shadow detector of DLR's ukis-csmask package (Apache-2.0; trained U-Nets shipped inside the package, run with onnxruntime, nothing downloaded) on Level-2A or Level-1C: the 6-band model when B02 B03 B04 B08 B11 B12 are there, else the 4-band model (B02 B03 B04 B08); by default at 30 m, as its models were trained (blocks averaged, classes given back to the 10 m pixels). Needs the Python packages ukis-csmask and onnxruntime. (at 30 m, product level from each layer's metadata, else its bands)</source>
      <translation>METHOD 'ukis-csmask' führt den Wolken- und Wolkenschattendetektor des Pakets ukis-csmask des DLR aus (Apache-2.0; trainierte U-Nets, die im Paket mitgeliefert und mit onnxruntime ausgeführt werden, es wird nichts heruntergeladen), und zwar auf Level-2A oder Level-1C: das 6-Band-Modell, wenn B02 B03 B04 B08 B11 B12 vorhanden sind, sonst das 4-Band-Modell (B02 B03 B04 B08); standardmäßig mit 30 m, wie seine Modelle trainiert wurden (Blöcke gemittelt, Klassen an die 10-m-Pixel zurückgegeben). Benötigt die Python-Pakete ukis-csmask und onnxruntime. (mit 30 m, Produktstufe aus den Metadaten jedes Layers, sonst aus seinen Bändern)</translation>
    </message>
    <message>
      <source>The masks are written to a temporary folder and moved into OUTPUT_FOLDER only when all are complete: a failed or cancelled run adds nothing to it.</source>
      <translation>Die Masken werden in einen temporären Ordner geschrieben und erst nach OUTPUT_FOLDER verschoben, wenn alle fertig sind: Ein fehlgeschlagener oder abgebrochener Lauf fügt dort nichts hinzu.</translation>
    </message>
    <message>
      <source>Evaluate a cloud-free image against a reference</source>
      <translation>Wolkenfreies Bild gegen eine Referenz bewerten</translation>
    </message>
    <message>
      <source>Prediction (cloud-free result)</source>
      <translation>Vorhersage (wolkenfreies Ergebnis)</translation>
    </message>
    <message>
      <source>Target (clear reference)</source>
      <translation>Ziel (klare Referenz)</translation>
    </message>
    <message>
      <source>Cloud mask of the inputs (1 = cloudy, 0 = clear)</source>
      <translation>Wolkenmaske der Eingaben (1 = bewölkt, 0 = klar)</translation>
    </message>
    <message>
      <source>Region of interest (default: the whole target)</source>
      <translation>Interessensgebiet (Vorgabe: das ganze Ziel)</translation>
    </message>
    <message>
      <source>Value scale</source>
      <translation>Werteskala</translation>
    </message>
    <message>
      <source>Automatic (integers and floats above 50: digital numbers / 10000; other floats: reflectance)</source>
      <translation>Automatisch (Ganzzahlen und Gleitkommawerte über 50: Digitalwerte / 10000; andere Gleitkommawerte: Reflektanz)</translation>
    </message>
    <message>
      <source>Digital numbers (reflectance x 10000) for both</source>
      <translation>Digitalwerte (Reflektanz × 10000) für beide</translation>
    </message>
    <message>
      <source>Reflectance (0-1) for both</source>
      <translation>Reflektanz (0-1) für beide</translation>
    </message>
    <message>
      <source>Report (.json or .html)</source>
      <translation>Bericht (.json oder .html)</translation>
    </message>
    <message>
      <source>RMSE ([0, 1] reflectance)</source>
      <translation>RMSE (Reflektanz in [0, 1])</translation>
    </message>
    <message>
      <source>PSNR (dB)</source>
      <translation>PSNR (dB)</translation>
    </message>
    <message>
      <source>SSIM</source>
      <translation>SSIM</translation>
    </message>
    <message>
      <source>SAM (degrees)</source>
      <translation>SAM (Grad)</translation>
    </message>
    <message>
      <source>RMSE over cloudy pixels (with MASK)</source>
      <translation>RMSE über bewölkte Pixel (mit MASK)</translation>
    </message>
    <message>
      <source>RMSE over clear pixels (with MASK)</source>
      <translation>RMSE über klare Pixel (mit MASK)</translation>
    </message>
    <message>
      <source>Pixels evaluated</source>
      <translation>Bewertete Pixel</translation>
    </message>
    <message>
      <source>Pixels without a spectral angle (zero spectrum)</source>
      <translation>Pixel ohne Spektralwinkel (Nullspektrum)</translation>
    </message>
    <message>
      <source>Scores a PREDICTION (a cloud-free result) against a TARGET (a clear reference of the same date) with the metrics of SEN12MS-CR-TS (Ebel et al. 2022), on reflectance scaled to [0, 1] (digital numbers clipped to 0-10000 and divided by 10000):
- RMSE: root mean square error over all bands and pixels (the paper's NRMSE); lower is better.
- PSNR: 20 log10(1 / RMSE), in dB; higher is better.
- SSIM: structural similarity, 11 x 11 Gaussian window (sigma 1.5), C1 = 0.01², C2 = 0.03², zero padding, per band then averaged; 1 is perfect.
- SAM: mean spectral angle between predicted and true spectra, in degrees (pixels with a zero spectrum are skipped; SAM_SKIPPED counts them); lower is better.</source>
      <translation>Bewertet eine PREDICTION (ein wolkenfreies Ergebnis) gegen ein TARGET (eine klare Referenz desselben Aufnahmedatums) mit den Metriken von SEN12MS-CR-TS (Ebel et al. 2022), auf Reflektanz, skaliert auf [0, 1] (Digitalwerte auf 0-10000 gekappt und durch 10000 geteilt):
- RMSE: Wurzel der mittleren quadratischen Abweichung über alle Bänder und Pixel (der NRMSE der Veröffentlichung); niedriger ist besser.
- PSNR: 20 log10(1 / RMSE), in dB; höher ist besser.
- SSIM: strukturelle Ähnlichkeit, 11 x 11 Gauß-Fenster (Sigma 1.5), C1 = 0.01², C2 = 0.03², Auffüllen mit Nullen, je Band berechnet und dann gemittelt; 1 ist perfekt.
- SAM: mittlerer Spektralwinkel zwischen vorhergesagten und wahren Spektren, in Grad (Pixel mit einem Nullspektrum werden übersprungen; SAM_SKIPPED zählt sie); niedriger ist besser.</translation>
    </message>
    <message>
      <source>With MASK (1 = cloudy in the inputs, 0 = clear; the mask's nodata counts as neither), RMSE_CLOUDY and RMSE_CLEAR are the RMSE over the cloudy and over the clear pixels.</source>
      <translation>Mit MASK (1 = in den Eingaben bewölkt, 0 = klar; NoData der Maske zählt als keines von beiden) sind RMSE_CLOUDY und RMSE_CLEAR der RMSE über die bewölkten bzw. über die klaren Pixel.</translation>
    </message>
    <message>
      <source>Everything is computed on the TARGET's grid (cropped to EXTENT); the PREDICTION and MASK are resampled onto it when they are on another grid (logged). Bands are matched by name when both rasters name them (B02, B03, ...), else by position. Pixels that are nodata in either image are left out. Images that need more than MEMORY_MB are refused: give an EXTENT.</source>
      <translation>Alles wird auf dem Raster von TARGET berechnet (zugeschnitten auf EXTENT); PREDICTION und MASK werden darauf umgetastet, wenn sie auf einem anderen Raster liegen (wird protokolliert). Bänder werden über den Namen zugeordnet, wenn beide Raster sie benennen (B02, B03, ...), sonst über die Position. Pixel, die in einem der beiden Bilder NoData sind, werden ausgelassen. Bilder, die mehr als MEMORY_MB benötigen, werden abgelehnt: Geben Sie EXTENT an.</translation>
    </message>
    <message>
      <source>OUTPUT_REPORT (optional): a .json file with every number, or a single-file .html page with the table and pictures (prediction, target, absolute error, mask).</source>
      <translation>OUTPUT_REPORT (optional): eine .json-Datei mit allen Zahlen oder eine einzelne .html-Seite mit der Tabelle und Bildern (Vorhersage, Ziel, absoluter Fehler, Maske).</translation>
    </message>
    <message>
      <source>Gap filling of a time series (temporal interpolation)</source>
      <translation>Lückenfüllung einer Zeitreihe (zeitliche Interpolation)</translation>
    </message>
    <message>
      <source>Method</source>
      <translation>Verfahren</translation>
    </message>
    <message>
      <source>Radial-basis ensemble in time (Gaussian kernels, FORCE-like)</source>
      <translation>Radialbasis-Ensemble in der Zeit (Gauß-Kerne, wie FORCE)</translation>
    </message>
    <message>
      <source>Linear in time between the nearest clear dates</source>
      <translation>Zeitlich linear zwischen den nächsten klaren Terminen</translation>
    </message>
    <message>
      <source>Kernel widths in time (days, comma-separated)</source>
      <translation>Kernbreiten in der Zeit (Tage, durch Kommas getrennt)</translation>
    </message>
    <message>
      <source>Leave out observations that deviate from their neighbours in time (clouds the mask missed)</source>
      <translation>Beobachtungen auslassen, die von ihren zeitlichen Nachbarn abweichen (von der Maske übersehene Wolken)</translation>
    </message>
    <message>
      <source>Learn each date's relation to its neighbours from its own clear pixels</source>
      <translation>Die Beziehung jedes Termins zu seinen Nachbarn aus seinen eigenen klaren Pixeln lernen</translation>
    </message>
    <message>
      <source>Pixels clear on no date get</source>
      <translation>Pixel, die an keinem Termin klar sind, erhalten</translation>
    </message>
    <message>
      <source>The locally least cloudy date</source>
      <translation>Der örtlich am wenigsten bewölkte Termin</translation>
    </message>
    <message>
      <source>No data</source>
      <translation>Keine Daten</translation>
    </message>
    <message>
      <source>Estimate the error from held-out clear pixels</source>
      <translation>Fehler aus zurückgehaltenen klaren Pixeln schätzen</translation>
    </message>
    <message>
      <source>Output folder</source>
      <translation>Ausgabeordner</translation>
    </message>
    <message>
      <source>Gap-filled images (input order)</source>
      <translation>Lückengefüllte Bilder (Reihenfolge der Eingaben)</translation>
    </message>
    <message>
      <source>Estimated RMSE of the filled pixels (reflectance)</source>
      <translation>Geschätzter RMSE der gefüllten Pixel (Reflektanz)</translation>
    </message>
    <message>
      <source>Held-out clear pixels of the estimate</source>
      <translation>Zurückgehaltene klare Pixel der Schätzung</translation>
    </message>
    <message>
      <source>Filled pixel-dates</source>
      <translation>Gefüllte Pixel-Termine</translation>
    </message>
    <message>
      <source>Fills the clouds of every date of a Sentinel-2 time series from the clear observations of the other dates, pixel by pixel, in the way of FORCE's time-series interpolation: for each kernel width (SIGMAS, 8, 16 and 32 days by default) the Gaussian-weighted mean in time of the clear observations within about two widths, the three estimates combined by how much of each kernel has data (the narrow one dominates where observations are dense, the wide one bridges long gaps). Where no kernel reaches a clear observation, the value is linear in time between the nearest clear dates (the nearest one carried at the ends of the series). METHOD 'linear' uses that linear interpolation everywhere.</source>
      <translation>Füllt die Wolken jedes Aufnahmedatums einer Sentinel-2-Zeitreihe Pixel für Pixel aus den klaren Beobachtungen der anderen Aufnahmedaten, nach Art der Zeitreiheninterpolation von FORCE: Für jede Kernbreite (SIGMAS, standardmäßig 8, 16 und 32 Tage) wird das gaußgewichtete zeitliche Mittel der klaren Beobachtungen innerhalb von etwa zwei Kernbreiten gebildet, und die drei Schätzungen werden danach kombiniert, wie viel von jedem Kern Daten enthält (der schmale dominiert, wo die Beobachtungen dicht liegen, der breite überbrückt lange Lücken). Wo kein Kern eine klare Beobachtung erreicht, wird der Wert zeitlich linear zwischen den nächsten klaren Aufnahmedaten interpoliert (an den Enden der Zeitreihe wird der nächstgelegene Wert fortgeschrieben). METHOD 'linear' verwendet diese lineare Interpolation überall.</translation>
    </message>
    <message>
      <source>Observations in cloudy surroundings are trusted less (weighted by the share of clear pixels around them, left out where fewer than half are clear unless the pixel has no better observation): a pixel marked clear in the middle of a cloud is often haze, cloud edge or shadow the mask missed. SCREEN (on by default) also leaves out observations that deviate from their neighbours in time far more than the pixel usually does (clouds the mask missed).</source>
      <translation>Beobachtungen in bewölkter Umgebung wird weniger vertraut (gewichtet nach dem Anteil klarer Pixel in ihrer Umgebung; ausgelassen, wo weniger als die Hälfte klar ist, sofern das Pixel keine bessere Beobachtung hat): Ein mitten in einer Wolke als klar markiertes Pixel ist oft Dunst, Wolkenrand oder Schatten, den die Maske übersehen hat. SCREEN (standardmäßig aktiviert) lässt außerdem Beobachtungen aus, die von ihren zeitlichen Nachbarn weit stärker abweichen, als es für das Pixel üblich ist (von der Maske übersehene Wolken).</translation>
    </message>
    <message>
      <source>Where part of a date is clear, REGRESSION (on by default) learns from those clear pixels how the date relates to its neighbours in time: a local ridge regression of its bands on the temporal estimate and on the nearest clear observations before and after it (all bands), fitted per 16 px cell on the clear pixels within about 40 px and applied to its cloudy pixels; what the clear pixels still differ by is then smoothed in space into the gaps. On real series this lowers the error of partly cloudy dates by a fifth to a third; dates cloudy all around keep the temporal estimate.</source>
      <translation>Wo ein Aufnahmedatum teilweise klar ist, lernt REGRESSION (standardmäßig aktiviert) aus diesen klaren Pixeln, wie sich das Aufnahmedatum zu seinen zeitlichen Nachbarn verhält: eine lokale Ridge-Regression seiner Bänder auf die zeitliche Schätzung und auf die nächstgelegenen klaren Beobachtungen davor und danach (alle Bänder), angepasst je Zelle von 16 px an die klaren Pixel im Umkreis von etwa 40 px und auf seine bewölkten Pixel angewendet; die verbleibende Abweichung der klaren Pixel wird anschließend räumlich geglättet in die Lücken übertragen. Bei echten Zeitreihen senkt dies den Fehler teilweise bewölkter Aufnahmedaten um ein Fünftel bis ein Drittel; durchgehend bewölkte Aufnahmedaten behalten die zeitliche Schätzung.</translation>
    </message>
    <message>
      <source>Clear pixels keep their observed values (those left out by SCREEN too: they are only not used to fill the other dates). Pixels clear on no date get, with NEVER_CLEAR, the value of the locally least cloudy date (the date with the most clear pixels around them; default) or nodata. Pixels that are nodata on every date stay nodata.</source>
      <translation>Klare Pixel behalten ihre beobachteten Werte (auch die von SCREEN ausgelassenen: Sie werden lediglich nicht zum Füllen der anderen Aufnahmedaten verwendet). Pixel, die an keinem Aufnahmedatum klar sind, erhalten mit NEVER_CLEAR den Wert des örtlich am wenigsten bewölkten Aufnahmedatums (des Aufnahmedatums mit den meisten klaren Pixeln in ihrer Umgebung; Vorgabe) oder NoData. Pixel, die an jedem Aufnahmedatum NoData sind, bleiben NoData.</translation>
    </message>
    <message>
      <source>OUTPUT_FOLDER receives one GeoTIFF per input date, '&lt;input name&gt;_gapfilled.tif', on the grid of the first Sentinel-2 layer (cropped to the extent), with the data type, nodata, bands and band names of the inputs; the files appear only when all are complete (a failed or cancelled run adds nothing). OUTPUT_LAYERS lists them in the order of S2_LAYERS. Dates come from the file names or metadata; without dates the layers are taken one day apart in the given order.</source>
      <translation>OUTPUT_FOLDER erhält ein GeoTIFF je Eingabedatum, '&lt;input name&gt;_gapfilled.tif', auf dem Raster des ersten Sentinel-2-Layers (auf die Ausdehnung zugeschnitten), mit Datentyp, NoData, Bändern und Bandnamen der Eingaben; die Dateien erscheinen erst, wenn alle vollständig sind (ein fehlgeschlagener oder abgebrochener Lauf fügt nichts hinzu). OUTPUT_LAYERS listet sie in der Reihenfolge von S2_LAYERS auf. Die Aufnahmedaten stammen aus den Dateinamen oder den Metadaten; ohne Aufnahmedaten werden die Layer in der angegebenen Reihenfolge im Abstand von je einem Tag angenommen.</translation>
    </message>
    <message>
      <source>ESTIMATED_RMSE is the error the run expects on the pixels it filled, in reflectance (0-1), measured on the series itself: clear pixels of the mostly clear dates are hidden behind the real cloud masks of other dates, filled from the rest and compared with what was observed there (HELD_OUT_PIXELS of them); the error found for each length of gap in time is then applied to the gaps of the pixels really filled. It is logged and written to every output as GeoTIFF tags (S2CF_ESTIMATED_RMSE for the date, S2CF_ESTIMATED_RMSE_RUN for the run). The estimate tends to be conservative (it over-estimates the error more often than not). ESTIMATE (advanced) can switch it off. FILLED_PIXELS counts the filled pixel-dates.</source>
      <translation>ESTIMATED_RMSE ist der Fehler, den der Lauf auf den von ihm gefüllten Pixeln erwartet, als Reflektanz (0-1), gemessen an der Zeitreihe selbst: Klare Pixel der überwiegend klaren Aufnahmedaten werden hinter den echten Wolkenmasken anderer Aufnahmedaten verborgen, aus den übrigen gefüllt und mit dem verglichen, was dort beobachtet wurde (HELD_OUT_PIXELS davon); der für jede zeitliche Lückenlänge ermittelte Fehler wird dann auf die Lücken der tatsächlich gefüllten Pixel angewendet. Er wird protokolliert und in jede Ausgabe als GeoTIFF-Tags geschrieben (S2CF_ESTIMATED_RMSE für das Aufnahmedatum, S2CF_ESTIMATED_RMSE_RUN für den Lauf). Die Schätzung ist tendenziell konservativ (sie überschätzt den Fehler häufiger, als dass sie ihn unterschätzt). ESTIMATE (erweitert) kann sie abschalten. FILLED_PIXELS zählt die gefüllten Pixel-Datum-Kombinationen.</translation>
    </message>
    <message>
      <source>Without MASK_LAYERS, masks are computed for the region of interest with s2cloudless (the Level-1C bands B01 B02 B04 B05 B08 B8A B09 B10 B11 B12 are needed). Cloud masks follow s2cloudless with the settings of the SEN12MS-CR-TS data set: THRESHOLD 0.4 on the cloud probability, AVERAGE_OVER 4 (radius in pixels of the disk the probability is averaged over before thresholding) and DILATION_SIZE 2 (radius of the disk the mask is dilated with). The s2cloudless package's own defaults are 1 and 1.</source>
      <translation>Ohne MASK_LAYERS werden die Masken für das Interessengebiet mit s2cloudless berechnet (die Level-1C-Bänder B01 B02 B04 B05 B08 B8A B09 B10 B11 B12 werden benötigt). Die Wolkenmasken folgen s2cloudless mit den Einstellungen des Datensatzes SEN12MS-CR-TS: THRESHOLD 0.4 auf die Wolkenwahrscheinlichkeit, AVERAGE_OVER 4 (Radius in Pixeln der Kreisscheibe, über die die Wahrscheinlichkeit vor der Schwellenwertbildung gemittelt wird) und DILATION_SIZE 2 (Radius der Kreisscheibe, mit der die Maske erweitert wird). Die eigenen Vorgaben des Pakets s2cloudless sind 1 und 1.</translation>
    </message>
    <message>
      <source>Least cloudy image</source>
      <translation>Am wenigsten bewölktes Bild</translation>
    </message>
    <message>
      <source>Index of the selected layer (0-based)</source>
      <translation>Index des gewählten Layers (ab 0)</translation>
    </message>
    <message>
      <source>Picks the date of a Sentinel-2 time series with the smallest cloud coverage inside the region of interest and writes it unchanged (same bands, data type and values), cropped to the region. This is the 'least cloudy' baseline of SEN12MS-CR-TS (Ebel et al. 2022).</source>
      <translation>Wählt das Aufnahmedatum einer Sentinel-2-Zeitreihe mit der geringsten Wolkenbedeckung innerhalb des Interessengebiets und schreibt es unverändert (gleiche Bänder, gleicher Datentyp, gleiche Werte), auf das Gebiet zugeschnitten. Dies ist das Vergleichsverfahren 'least cloudy' (am wenigsten bewölkt) von SEN12MS-CR-TS (Ebel et al. 2022).</translation>
    </message>
    <message>
      <source>Cloud coverage is the share of the region that is not a clear observation: a mask value other than 0 (cloud, shadow, the mask's nodata) or a nodata pixel of the image counts as not clear. Ties go to the earliest date. Dates come from the file names (ISO dates, YYYYMMDD, Sentinel product names, SEN12MS-CR-TS names) or the file metadata.</source>
      <translation>Die Wolkenbedeckung ist der Anteil des Gebiets, der keine klare Beobachtung ist: Ein Maskenwert ungleich 0 (Wolke, Schatten, NoData der Maske) oder ein NoData-Pixel des Bildes zählt als nicht klar. Bei Gleichstand gewinnt das früheste Aufnahmedatum. Die Aufnahmedaten stammen aus den Dateinamen (ISO-Datumsangaben, YYYYMMDD, Sentinel-Produktnamen, SEN12MS-CR-TS-Namen) oder aus den Metadaten der Datei.</translation>
    </message>
    <message>
      <source>SELECTED_INDEX is the 0-based position of the chosen layer in the input list.</source>
      <translation>SELECTED_INDEX ist die Position (ab 0) des gewählten Layers in der Eingabeliste.</translation>
    </message>
    <message>
      <source>Mosaic of clear observations</source>
      <translation>Mosaik klarer Beobachtungen</translation>
    </message>
    <message>
      <source>Pixels never clear get</source>
      <translation>Nie klare Pixel erhalten</translation>
    </message>
    <message>
      <source>The paper's constant (0.5 reflectance)</source>
      <translation>Die Konstante der Veröffentlichung (Reflektanz 0,5)</translation>
    </message>
    <message>
      <source>Value of the least cloudy date</source>
      <translation>Wert des am wenigsten bewölkten Termins</translation>
    </message>
    <message>
      <source>Mosaic</source>
      <translation>Mosaik</translation>
    </message>
    <message>
      <source>Clear observations per pixel</source>
      <translation>Klare Beobachtungen je Pixel</translation>
    </message>
    <message>
      <source>Per pixel, the mean of the dates on which the pixel is clear (mask value 0 and a valid observation); a pixel clear on a single date gets that date's value. This is the 'mosaicing' baseline of SEN12MS-CR-TS (Ebel et al. 2022). The mean is computed in floating point and written in the input data type (integers rounded to nearest), with the bands, band names and scale of the inputs.</source>
      <translation>Je Pixel der Mittelwert der Aufnahmedaten, an denen das Pixel klar ist (Maskenwert 0 und eine gültige Beobachtung); ein Pixel, das nur an einem einzigen Aufnahmedatum klar ist, erhält den Wert dieses Aufnahmedatums. Dies ist das Vergleichsverfahren 'mosaicing' (Mosaikbildung) von SEN12MS-CR-TS (Ebel et al. 2022). Der Mittelwert wird in Gleitkommadarstellung berechnet und im Datentyp der Eingaben geschrieben (Ganzzahlen auf den nächsten Wert gerundet), mit den Bändern, Bandnamen und der Skala der Eingaben.</translation>
    </message>
    <message>
      <source>FALLBACK says what pixels that are clear on no date get: nodata (default), the paper's constant 0.5 reflectance (5000 for digital numbers), or the value of the least cloudy date (needs one more pass over the series).</source>
      <translation>FALLBACK legt fest, was Pixel erhalten, die an keinem Aufnahmedatum klar sind: NoData (Vorgabe), die konstante Reflektanz 0.5 der Veröffentlichung (5000 bei Digitalwerten) oder den Wert des am wenigsten bewölkten Aufnahmedatums (erfordert einen weiteren Durchlauf über die Zeitreihe).</translation>
    </message>
    <message>
      <source>OUTPUT_COUNT (optional) is the number of clear observations per pixel.</source>
      <translation>OUTPUT_COUNT (optional) ist die Anzahl der klaren Beobachtungen je Pixel.</translation>
    </message>
    <message>
      <source>Generate a sample series</source>
      <translation>Beispielzeitreihe erzeugen</translation>
    </message>
    <message>
      <source>Number of dates</source>
      <translation>Anzahl der Termine</translation>
    </message>
    <message>
      <source>Size (pixels per side)</source>
      <translation>Größe (Pixel je Seite)</translation>
    </message>
    <message>
      <source>Sentinel-2 layers</source>
      <translation>Sentinel-2-Layer</translation>
    </message>
    <message>
      <source>True cloud masks</source>
      <translation>Wahre Wolkenmasken</translation>
    </message>
    <message>
      <source>Sentinel-1 layers</source>
      <translation>Sentinel-1-Layer</translation>
    </message>
    <message>
      <source>Cloud-free truth</source>
      <translation>Wolkenfreie Referenz</translation>
    </message>
    <message>
      <source>Writes a generated (not real) Sentinel-2 Level-1C time series with clouds and cloud shadows, its true cloud masks, the cloud-free truth of every date and a matching Sentinel-1 VV/VH series in dB, on a 10 m UTM grid. The same seed always gives the same files. Use it to try the algorithms without data; its outputs S2_LAYERS, MASK_LAYERS, S1_LAYERS and TRUTH_LAYERS can feed other algorithms in a model.</source>
      <translation>Schreibt eine erzeugte (nicht echte) Sentinel-2-Level-1C-Zeitreihe mit Wolken und Wolkenschatten, ihre wahren Wolkenmasken, die wolkenfreie Referenz jedes Aufnahmedatums und eine passende Sentinel-1-VV/VH-Zeitreihe in dB auf einem UTM-Raster mit 10 m Auflösung. Derselbe Startwert liefert immer dieselben Dateien. Damit lassen sich die Algorithmen ohne Daten ausprobieren; ihre Ausgaben S2_LAYERS, MASK_LAYERS, S1_LAYERS und TRUTH_LAYERS können in einem Modell andere Algorithmen speisen.</translation>
    </message>
    <message>
      <source>Cloud removal: sequence-to-point network (CR-TS Net)</source>
      <translation>Wolkenentfernung: Sequence-to-Point-Netz (CR-TS Net)</translation>
    </message>
    <message>
      <source>Sentinel-1 layers (VV, VH in dB; paired by nearest date)</source>
      <translation>Sentinel-1-Layer (VV, VH in dB; nach nächstem Termin gepaart)</translation>
    </message>
    <message>
      <source>Model (checkpoint file .pt, or a registry name)</source>
      <translation>Modell (Checkpoint-Datei .pt oder ein Registry-Name)</translation>
    </message>
    <message>
      <source>Target date (YYYY-MM-DD; empty = the middle of the series)</source>
      <translation>Zieldatum (JJJJ-MM-TT; leer = Mitte der Zeitreihe)</translation>
    </message>
    <message>
      <source>Dates used when more than n are given</source>
      <translation>Verwendete Termine, wenn mehr als n angegeben sind</translation>
    </message>
    <message>
      <source>The n least cloudy dates (needs the masks), in time order</source>
      <translation>Die n am wenigsten bewölkten Termine (braucht die Masken), in zeitlicher Reihenfolge</translation>
    </message>
    <message>
      <source>The n dates nearest in time to the target date</source>
      <translation>Die n Termine, die dem Zieldatum zeitlich am nächsten sind</translation>
    </message>
    <message>
      <source>Largest S1-S2 date gap (days)</source>
      <translation>Größter Abstand zwischen S1- und S2-Termin (Tage)</translation>
    </message>
    <message>
      <source>Tile size (pixels; 0 = from the memory budget)</source>
      <translation>Kachelgröße (Pixel; 0 = aus dem Speicherbudget)</translation>
    </message>
    <message>
      <source>Tile overlap (pixels)</source>
      <translation>Kachelüberlappung (Pixel)</translation>
    </message>
    <message>
      <source>Precision on CUDA</source>
      <translation>Genauigkeit auf CUDA</translation>
    </message>
    <message>
      <source>auto</source>
      <translation>auto</translation>
    </message>
    <message>
      <source>fp32</source>
      <translation>fp32</translation>
    </message>
    <message>
      <source>bf16</source>
      <translation>bf16</translation>
    </message>
    <message>
      <source>fp16</source>
      <translation>fp16</translation>
    </message>
    <message>
      <source>Memory budget for the network (MB; 0 = automatic)</source>
      <translation>Speicherbudget für das Netz (MB; 0 = automatisch)</translation>
    </message>
    <message>
      <source>CPU threads</source>
      <translation>CPU-Threads</translation>
    </message>
    <message>
      <source>Cloud-free image</source>
      <translation>Wolkenfreies Bild</translation>
    </message>
    <message>
      <source>Device that ran the network</source>
      <translation>Gerät, auf dem das Netz lief</translation>
    </message>
    <message>
      <source>Input dates used</source>
      <translation>Verwendete Eingabetermine</translation>
    </message>
    <message>
      <source>Inference time (s)</source>
      <translation>Inferenzzeit (s)</translation>
    </message>
    <message>
      <source>Predicts one cloud-free Sentinel-2 image from n cloudy dates (n = 3 for the paper's model) and, for models trained with it, the Sentinel-1 VV/VH image nearest in date to each (within MAX_DAYS). This is the sequence-to-point network of SEN12MS-CR-TS (Ebel et al. 2022), CR-TS Net.</source>
      <translation>Sagt ein wolkenfreies Sentinel-2-Bild aus n bewölkten Aufnahmedaten vorher (n = 3 beim Modell der Veröffentlichung) sowie, bei Modellen, die damit trainiert wurden, aus dem Sentinel-1-VV/VH-Bild, das jedem davon zeitlich am nächsten liegt (innerhalb von MAX_DAYS). Dies ist das Sequence-to-Point-Netz von SEN12MS-CR-TS (Ebel et al. 2022), CR-TS Net.</translation>
    </message>
    <message>
      <source>MODEL is a checkpoint file (.pt) written by 'Train the sequence-to-point network', or a name from the model registry. No pretrained weights come with the plugin: train a model on your own series (or on SEN12MS-CR-TS) first. Checkpoints are loaded safely (weights and settings only, no code). The model decides the bands: the S2 layers must have them (named in the band descriptions or in the usual order for 13, 12 or 10 bands).</source>
      <translation>MODEL ist eine Checkpoint-Datei (.pt), die von 'Sequence-to-Point-Netz trainieren' geschrieben wurde, oder ein Name aus der Modell-Registry. Mit dem Plugin werden keine vortrainierten Gewichte geliefert: Trainieren Sie zuerst ein Modell auf Ihrer eigenen Zeitreihe (oder auf SEN12MS-CR-TS). Checkpoints werden sicher geladen (nur Gewichte und Einstellungen, kein Code). Das Modell bestimmt die Bänder: Die S2-Layer müssen sie enthalten (benannt in den Bandbeschreibungen oder in der üblichen Reihenfolge bei 13, 12 oder 10 Bändern).</translation>
    </message>
    <message>
      <source>A crtsnet-lite-gapfill model (the training default) corrects the gap filler's estimate of TARGET_DATE made from its n input dates: it needs their cloud masks (MASK_LAYERS, 0 = clear), and the date it fills is written in the output's S2CF_TARGET_DATE tag.</source>
      <translation>Ein Modell crtsnet-lite-gapfill (die Vorgabe beim Training) korrigiert die Schätzung des Lückenfüllers für TARGET_DATE, die aus den n Aufnahmedaten seiner Eingabe erstellt wurde: Es benötigt deren Wolkenmasken (MASK_LAYERS, 0 = klar), und das Aufnahmedatum, das es füllt, wird in den Tag S2CF_TARGET_DATE der Ausgabe geschrieben.</translation>
    </message>
    <message>
      <source>When more than n S2 layers are given, SELECTION picks the n dates nearest in time to TARGET_DATE (the default; without a TARGET_DATE, the middle of the series' time span), the first n in time order (as the data set does) or the n least cloudy (MASK_LAYERS needed). Give the series around the date you want cloud-free and name it in TARGET_DATE.</source>
      <translation>Werden mehr als n S2-Layer angegeben, wählt SELECTION die n Aufnahmedaten, die TARGET_DATE zeitlich am nächsten liegen (die Vorgabe; ohne TARGET_DATE die Mitte der Zeitspanne der Zeitreihe), die ersten n in zeitlicher Reihenfolge (wie im Datensatz) oder die n am wenigsten bewölkten (MASK_LAYERS erforderlich). Geben Sie die Zeitreihe um das Datum an, das wolkenfrei werden soll, und nennen Sie dieses in TARGET_DATE.</translation>
    </message>
    <message>
      <source>The output keeps the scale (digital numbers or reflectance) and data type of the S2 layers, on the grid of the first S2 layer cropped to EXTENT; pixels without a valid S2 value on any input date are nodata. The scene is processed in overlapping tiles blended without seams; TILE_SIZE 0 and MEMORY_MB 0 size them automatically from free memory. DEVICE: auto, cpu, cuda, cuda:N or mps; the device used is logged. PRECISION auto uses bf16/fp16 on CUDA only when the first tiles match fp32 within 5 DN.</source>
      <translation>Die Ausgabe behält die Skala (Digitalwerte oder Reflektanz) und den Datentyp der S2-Layer bei, auf dem Raster des ersten S2-Layers, zugeschnitten auf EXTENT; Pixel, die an keinem Eingabedatum einen gültigen S2-Wert haben, sind NoData. Die Szene wird in überlappenden Kacheln verarbeitet, die nahtlos überblendet werden; TILE_SIZE 0 und MEMORY_MB 0 bemessen sie automatisch nach dem freien Speicher. DEVICE: auto, cpu, cuda, cuda:N oder mps; das verwendete Gerät wird protokolliert. PRECISION auto verwendet bf16/fp16 auf CUDA nur dann, wenn die ersten Kacheln innerhalb von 5 DN mit fp32 übereinstimmen.</translation>
    </message>
    <message>
      <source>Cloud-free series (sequence-to-sequence internal learning)</source>
      <translation>Wolkenfreie Zeitreihe (Sequence-to-Sequence, internes Lernen)</translation>
    </message>
    <message>
      <source>Sentinel-1 layers (VV, VH in dB; optional: noise input when absent)</source>
      <translation>Sentinel-1-Layer (VV, VH in dB; optional: ohne sie Rauschen als Eingabe)</translation>
    </message>
    <message>
      <source>Schedule</source>
      <translation>Ablaufplan</translation>
    </message>
    <message>
      <source>fast (default: the gap filler's image corrected by a small network fitted on the series)</source>
      <translation>fast (Vorgabe: das Bild des Lückenfüllers, korrigiert durch ein kleines, an die Zeitreihe angepasstes Netz)</translation>
    </message>
    <message>
      <source>paper (20 passes x 100 steps per batch of 5 dates, lr 0.01)</source>
      <translation>paper (20 Durchläufe × 100 Schritte je Stapel von 5 Terminen, Lernrate 0,01)</translation>
    </message>
    <message>
      <source>Passes over the series (0 = preset)</source>
      <translation>Durchläufe über die Zeitreihe (0 = Voreinstellung)</translation>
    </message>
    <message>
      <source>Adam steps per batch and pass (0 = preset)</source>
      <translation>Adam-Schritte je Stapel und Durchlauf (0 = Voreinstellung)</translation>
    </message>
    <message>
      <source>Learning rate (0 = preset)</source>
      <translation>Lernrate (0 = Voreinstellung)</translation>
    </message>
    <message>
      <source>Temporally adjacent dates per batch (0 = preset)</source>
      <translation>Zeitlich benachbarte Termine je Stapel (0 = Voreinstellung)</translation>
    </message>
    <message>
      <source>Tile size (pixels)</source>
      <translation>Kachelgröße (Pixel)</translation>
    </message>
    <message>
      <source>Raw network output (do not keep observed clear pixels)</source>
      <translation>Rohe Netzausgabe (beobachtete klare Pixel nicht beibehalten)</translation>
    </message>
    <message>
      <source>Memory budget for the blended predictions (MB)</source>
      <translation>Speicherbudget für die überblendeten Vorhersagen (MB)</translation>
    </message>
    <message>
      <source>CPU threads for the network (0 = torch's default)</source>
      <translation>CPU-Threads für das Netz (0 = Vorgabe von torch)</translation>
    </message>
    <message>
      <source>Cloud-free images (input order)</source>
      <translation>Wolkenfreie Bilder (Reihenfolge der Eingaben)</translation>
    </message>
    <message>
      <source>Device that ran</source>
      <translation>Verwendetes Gerät</translation>
    </message>
    <message>
      <source>Estimated RMSE on held-out clear pixels</source>
      <translation>Geschätzter RMSE auf zurückgehaltenen klaren Pixeln</translation>
    </message>
    <message>
      <source>Estimated RMSE of the gap filler alone on the same pixels</source>
      <translation>Geschätzter RMSE des Lückenfüllers allein auf denselben Pixeln</translation>
    </message>
    <message>
      <source>Held-out clear pixels</source>
      <translation>Zurückgehaltene klare Pixel</translation>
    </message>
    <message>
      <source>Returns every date of a Sentinel-2 time series without clouds, by a network fitted to the series itself (internal learning: no training data, no download), driven by the Sentinel-1 VV/VH series or, without S1 layers, by fixed noise.</source>
      <translation>Liefert jedes Aufnahmedatum einer Sentinel-2-Zeitreihe ohne Wolken, mithilfe eines an die Zeitreihe selbst angepassten Netzes (internes Lernen: keine Trainingsdaten, kein Download), gesteuert durch die Sentinel-1-VV/VH-Zeitreihe oder, ohne S1-Layer, durch festes Rauschen.</translation>
    </message>
    <message>
      <source>PRESET 'fast' (default) starts from the classical answer: the gap filler's image of each date (what s2cloudfree:gapfill writes), and a small 2D U-Net that learns a correction of it from the visible bands, the S1 of the date and how it changed since the dates the gap filler used. It is fitted on simulated clouds (clear pixels hidden behind the series' own cloud masks, the gap filler run again without them); 20 % of the clear pixels of the mostly clear dates are held out, and the share of the correction that lowers their error is kept, so where the network does not help the output is the gap filler's (when they want none of it after a third of the steps, the fit stops there). The log, the ESTIMATED_RMSE outputs and the GeoTIFF tags give the error measured on those held-out pixels, for the result and for the gap filler alone. PRESET 'paper' fits the article's 3D encoder-decoder from scratch (SEN12MS-CR-TS, Ebel et al. 2022, after Zhang et al. 2019) with its schedule: hours per tile on a CPU. Measured quality on real series is in the README.</source>
      <translation>PRESET 'fast' (Vorgabe) geht von der klassischen Lösung aus: dem Bild des Lückenfüllers für jedes Aufnahmedatum (was s2cloudfree:gapfill schreibt) und einem kleinen 2D-U-Net, das eine Korrektur dieses Bildes aus den sichtbaren Bändern, dem S1 des Aufnahmedatums und dessen Änderung seit den vom Lückenfüller verwendeten Aufnahmedaten lernt. Es wird an simulierten Wolken angepasst (klare Pixel, die hinter den eigenen Wolkenmasken der Zeitreihe verborgen werden, wobei der Lückenfüller ohne sie erneut ausgeführt wird); 20 % der klaren Pixel der überwiegend klaren Aufnahmedaten werden zurückgehalten, und der Anteil der Korrektur, der deren Fehler verringert, wird beibehalten, sodass die Ausgabe dort, wo das Netz nicht hilft, die des Lückenfüllers ist (wenn diese Pixel nach einem Drittel der Schritte nichts von der Korrektur übernehmen, endet die Anpassung dort). Das Protokoll, die Ausgaben ESTIMATED_RMSE und die GeoTIFF-Tags geben den an diesen zurückgehaltenen Pixeln gemessenen Fehler an, für das Ergebnis und für den Lückenfüller allein. PRESET 'paper' passt den 3D-Encoder-Decoder des Artikels von Grund auf an (SEN12MS-CR-TS, Ebel et al. 2022, nach Zhang et al. 2019), mit dessen Ablaufplan: Stunden je Kachel auf einer CPU. Die gemessene Qualität auf echten Zeitreihen steht in der README.</translation>
    </message>
    <message>
      <source>S1 dates need not equal S2 dates: each S2 date uses the nearest S1 date within MAX_DAYS (14 days by default); a date without one gets noise (logged).</source>
      <translation>S1-Aufnahmedaten müssen nicht mit den S2-Aufnahmedaten übereinstimmen: Jedes S2-Aufnahmedatum verwendet das nächstgelegene S1-Aufnahmedatum innerhalb von MAX_DAYS (standardmäßig 14 Tage); ein Aufnahmedatum ohne ein solches erhält Rauschen (wird protokolliert).</translation>
    </message>
    <message>
      <source>OUTPUT_FOLDER receives one GeoTIFF per input date, '&lt;input name&gt;_cloudfree.tif', on the grid of the first S2 layer (cropped to the extent), with the data type, nodata and band order of the inputs. Clear pixels keep their observed values unless RAW_OUTPUT is checked.</source>
      <translation>OUTPUT_FOLDER erhält ein GeoTIFF je Eingabedatum, '&lt;input name&gt;_cloudfree.tif', auf dem Raster des ersten S2-Layers (auf die Ausdehnung zugeschnitten), mit Datentyp, NoData und Bandreihenfolge der Eingaben. Klare Pixel behalten ihre beobachteten Werte, sofern RAW_OUTPUT nicht aktiviert ist.</translation>
    </message>
    <message>
      <source>The advanced parameters override single values (0 keeps the preset's; for 'fast', STEPS is the number of steps per tile). Regions larger than TILE_SIZE are fitted tile by tile (with 'fast', each tile starts from its neighbour's network) and blended across TILE_OVERLAP pixels. DEVICE: auto (the plugin setting, else CUDA when available, else CPU), cpu, cuda, cuda:N or mps; the device that ran is logged. The same SEED and number of CPU threads give the same result on the CPU; with 'fast' another thread count or CPU changes it only slightly (see the README for the measured spread).</source>
      <translation>Die erweiterten Parameter überschreiben einzelne Werte (0 behält den Wert der Voreinstellung; bei 'fast' ist STEPS die Anzahl der Schritte je Kachel). Gebiete, die größer als TILE_SIZE sind, werden Kachel für Kachel angepasst (bei 'fast' startet jede Kachel mit dem Netz ihrer Nachbarkachel) und über TILE_OVERLAP Pixel überblendet. DEVICE: auto (die Plugin-Einstellung, sonst CUDA, falls verfügbar, sonst CPU), cpu, cuda, cuda:N oder mps; das verwendete Gerät wird protokolliert. Derselbe SEED und dieselbe Anzahl von CPU-Threads liefern auf der CPU dasselbe Ergebnis; bei 'fast' ändern eine andere Thread-Anzahl oder eine andere CPU es nur geringfügig (die gemessene Streuung steht in der README).</translation>
    </message>
    <message>
      <source>Train the sequence-to-point network (CR-TS Net)</source>
      <translation>Sequence-to-Point-Netz trainieren (CR-TS Net)</translation>
    </message>
    <message>
      <source>Sentinel-2 layers (your series)</source>
      <translation>Sentinel-2-Layer (Ihre Zeitreihe)</translation>
    </message>
    <message>
      <source>Cloud masks (one per Sentinel-2 layer; 0 = clear)</source>
      <translation>Wolkenmasken (eine je Sentinel-2-Layer; 0 = klar)</translation>
    </message>
    <message>
      <source>Training region (default: the first Sentinel-2 layer)</source>
      <translation>Trainingsgebiet (Vorgabe: der erste Sentinel-2-Layer)</translation>
    </message>
    <message>
      <source>Or: SEN12MS-CR-TS folder (official layout)</source>
      <translation>Oder: SEN12MS-CR-TS-Ordner (offizieller Aufbau)</translation>
    </message>
    <message>
      <source>Network</source>
      <translation>Netz</translation>
    </message>
    <message>
      <source>crtsnet-lite (the paper's network, 64 features, 4 + 2 blocks: for CPUs)</source>
      <translation>crtsnet-lite (das Netz der Veröffentlichung, 64 Merkmale, 4 + 2 Blöcke: für CPUs)</translation>
    </message>
    <message>
      <source>crtsnet (the paper's: 256 features, 16 + 5 blocks; needs a GPU)</source>
      <translation>crtsnet (das der Veröffentlichung: 256 Merkmale, 16 + 5 Blöcke; braucht eine GPU)</translation>
    </message>
    <message>
      <source>crtsnet-lite-gapfill (corrects the gap filler's estimate; needs the masks; for CPUs)</source>
      <translation>crtsnet-lite-gapfill (korrigiert die Schätzung des Lückenfüllers; braucht die Masken; für CPUs)</translation>
    </message>
    <message>
      <source>Input dates (n)</source>
      <translation>Eingabetermine (n)</translation>
    </message>
    <message>
      <source>Training steps (at most)</source>
      <translation>Trainingsschritte (höchstens)</translation>
    </message>
    <message>
      <source>Time budget (minutes of training; 0 = no limit)</source>
      <translation>Zeitbudget (Minuten Training; 0 = unbegrenzt)</translation>
    </message>
    <message>
      <source>SEN12MS-CR-TS split</source>
      <translation>SEN12MS-CR-TS-Teilmenge</translation>
    </message>
    <message>
      <source>train</source>
      <translation>train</translation>
    </message>
    <message>
      <source>val</source>
      <translation>val</translation>
    </message>
    <message>
      <source>test</source>
      <translation>test</translation>
    </message>
    <message>
      <source>all</source>
      <translation>all</translation>
    </message>
    <message>
      <source>Patch size (pixels)</source>
      <translation>Ausschnittgröße (Pixel)</translation>
    </message>
    <message>
      <source>Batch size</source>
      <translation>Stapelgröße</translation>
    </message>
    <message>
      <source>Learning rate (Adam)</source>
      <translation>Lernrate (Adam)</translation>
    </message>
    <message>
      <source>Share of the rows held out for validation</source>
      <translation>Für die Validierung zurückgehaltener Anteil der Zeilen</translation>
    </message>
    <message>
      <source>Early stopping: validations without improvement (0 = never)</source>
      <translation>Vorzeitiger Abbruch: Validierungen ohne Verbesserung (0 = nie)</translation>
    </message>
    <message>
      <source>Save a checkpoint every (steps)</source>
      <translation>Checkpoint speichern alle (Schritte)</translation>
    </message>
    <message>
      <source>Resume the run saved in the output file</source>
      <translation>Den in der Ausgabedatei gespeicherten Lauf fortsetzen</translation>
    </message>
    <message>
      <source>Start from the weights of (checkpoint file .pt, or a registry name)</source>
      <translation>Mit den Gewichten starten von (Checkpoint-Datei .pt oder ein Registry-Name)</translation>
    </message>
    <message>
      <source>Probability of pasting real clouds on a clear input</source>
      <translation>Wahrscheinlichkeit, echte Wolken auf eine klare Eingabe zu setzen</translation>
    </message>
    <message>
      <source>Use Sentinel-1 when given</source>
      <translation>Sentinel-1 verwenden, wenn angegeben</translation>
    </message>
    <message>
      <source>Checkpoint</source>
      <translation>Checkpoint</translation>
    </message>
    <message>
      <source>Steps done</source>
      <translation>Ausgeführte Schritte</translation>
    </message>
    <message>
      <source>Final training loss</source>
      <translation>Letzter Trainingsverlust</translation>
    </message>
    <message>
      <source>Validation RMSE of the kept weights (0-1 reflectance)</source>
      <translation>Validierungs-RMSE der behaltenen Gewichte (Reflektanz 0-1)</translation>
    </message>
    <message>
      <source>Step of the kept weights</source>
      <translation>Schritt der behaltenen Gewichte</translation>
    </message>
    <message>
      <source>Trains the network used by 'Cloud removal: sequence-to-point network' and writes a checkpoint (.pt) for its MODEL parameter.</source>
      <translation>Trainiert das Netz, das von 'Wolkenentfernung: Sequence-to-Point-Netz' verwendet wird, und schreibt einen Checkpoint (.pt) für dessen Parameter MODEL.</translation>
    </message>
    <message>
      <source>Data: either your own series (S2_LAYERS with one cloud mask per layer in MASK_LAYERS, 0 = clear; S1_LAYERS optional) or a SEN12MS-CR-TS folder in its official layout (DATASET_FOLDER, split DATASET_SPLIT). On your series, random patches are drawn from the region: the target is a clear date, the inputs are N_INPUTS other dates near it in time, with their real clouds (PASTE_PROBABILITY also pastes the clouds of another date onto mostly clear inputs). The bottom VALIDATION_FRACTION of the rows is held out and scored (RMSE on 0-1 reflectance). On SEN12MS-CR-TS the target is the least cloudy date and the inputs the first N_INPUTS dates, as in the paper.</source>
      <translation>Daten: entweder Ihre eigene Zeitreihe (S2_LAYERS mit einer Wolkenmaske je Layer in MASK_LAYERS, 0 = klar; S1_LAYERS optional) oder ein SEN12MS-CR-TS-Ordner im offiziellen Aufbau (DATASET_FOLDER, Teilmenge DATASET_SPLIT). Bei Ihrer Zeitreihe werden zufällige Ausschnitte aus dem Gebiet gezogen: Das Ziel ist ein klares Aufnahmedatum, die Eingaben sind N_INPUTS andere, zeitlich nahe Aufnahmedaten mit ihren echten Wolken (PASTE_PROBABILITY setzt zusätzlich die Wolken eines anderen Aufnahmedatums auf überwiegend klare Eingaben). Der unterste Anteil VALIDATION_FRACTION der Zeilen wird zurückgehalten und bewertet (RMSE auf Reflektanz 0-1). Bei SEN12MS-CR-TS ist das Ziel das am wenigsten bewölkte Aufnahmedatum, und die Eingaben sind die ersten N_INPUTS Aufnahmedaten, wie in der Veröffentlichung.</translation>
    </message>
    <message>
      <source>Networks: crtsnet-lite-gapfill (the default, this plugin's own) gets the gap filler's estimate of the target date made from its n inputs and their masks, and learns a correction of it: untrained it returns that estimate, so a short training starts at the classical answer (seq2point then needs MASK_LAYERS too). crtsnet-lite and crtsnet are the paper's network (crtsnet needs a GPU and many thousands of steps).</source>
      <translation>Netze: crtsnet-lite-gapfill (die Vorgabe, die eigene Entwicklung dieses Plugins) erhält die Schätzung des Lückenfüllers für das Zieldatum, gebildet aus seinen n Eingaben und deren Masken, und lernt eine Korrektur dieser Schätzung: Untrainiert gibt es diese Schätzung zurück, sodass ein kurzes Training bei der klassischen Lösung beginnt (seq2point braucht dann auch MASK_LAYERS). crtsnet-lite und crtsnet sind das Netz der Veröffentlichung (crtsnet braucht eine GPU und viele tausend Schritte).</translation>
    </message>
    <message>
      <source>Training stops at STEPS, after MAX_MINUTES (20 by default, 0 = no limit) or when PATIENCE validations in a row found no better RMSE on the held-out rows; the checkpoint keeps the weights of the best validation (the untrained network counts too). Optimiser as in the paper: L1 loss x 100, Adam (learning rate 2e-4, betas 0.5/0.999), batch 1. The checkpoint is saved every CHECKPOINT_EVERY steps and when the run is cancelled, and records the data it saw, the losses and the validation scores. RESUME continues the run saved in OUTPUT_MODEL. With the same SEED (and threads) a CPU run is repeatable. For long runs outside QGIS: python -m s2cloudfree.core.train.</source>
      <translation>Das Training endet nach STEPS Schritten, nach MAX_MINUTES (standardmäßig 20, 0 = unbegrenzt) oder wenn PATIENCE Validierungen in Folge keinen besseren RMSE auf den zurückgehaltenen Zeilen ergeben haben; der Checkpoint behält die Gewichte der besten Validierung (das untrainierte Netz zählt ebenfalls). Optimierer wie in der Veröffentlichung: L1-Verlust x 100, Adam (Lernrate 2e-4, Betas 0.5/0.999), Stapelgröße 1. Der Checkpoint wird alle CHECKPOINT_EVERY Schritte und beim Abbrechen des Laufs gespeichert und hält die verwendeten Daten, die Verluste und die Validierungswerte fest. RESUME setzt den in OUTPUT_MODEL gespeicherten Lauf fort. Mit demselben SEED (und denselben Threads) ist ein CPU-Lauf wiederholbar. Für lange Läufe außerhalb von QGIS: python -m s2cloudfree.core.train.</translation>
    </message>
    <message>
      <source>{algorithm} is not registered.</source>
      <translation>{algorithm} ist nicht registriert.</translation>
    </message>
    <message>
      <source>Running {algorithm} ({number}/{total}): {label}</source>
      <translation>{algorithm} wird ausgeführt ({number}/{total}): {label}</translation>
    </message>
    <message>
      <source>Could not add the result of {label}: {error}</source>
      <translation>Das Ergebnis von {label} konnte nicht hinzugefügt werden: {error}</translation>
    </message>
    <message>
      <source>cancelled</source>
      <translation>abgebrochen</translation>
    </message>
    <message>
      <source>failed (see the log above)</source>
      <translation>fehlgeschlagen (siehe Protokoll oben)</translation>
    </message>
    <message>
      <source>every algorithm reads and writes rasters with it; the dock then takes dates from file names only and cannot compute cloud percentages</source>
      <translation>jeder Algorithmus liest und schreibt Raster damit; das Bedienfeld entnimmt die Aufnahmedaten dann nur den Dateinamen und kann keine Wolkenanteile berechnen</translation>
    </message>
    <message>
      <source>the networks (seq2point, seq2seq) and the GPU choice; least cloudy, mosaic and cloud masks work without it</source>
      <translation>die Netze (seq2point, seq2seq) und die GPU-Auswahl; am wenigsten bewölkt, Mosaik und Wolkenmasken funktionieren auch ohne</translation>
    </message>
    <message>
      <source>cloud masks (the Cloud mask algorithm, and least cloudy/mosaic without masks)</source>
      <translation>Wolkenmasken (der Algorithmus Wolkenmaske sowie am wenigsten bewölkt/Mosaik ohne Masken)</translation>
    </message>
    <message>
      <source>Checking the Python packages…</source>
      <translation>Python-Pakete werden geprüft…</translation>
    </message>
    <message>
      <source>Install missing packages…</source>
      <translation>Fehlende Pakete installieren…</translation>
    </message>
    <message>
      <source>Runs pip for QGIS's Python, with the versions this plugin is tested with, into a folder of the plugin's (QGIS's own packages are not touched).</source>
      <translation>Führt pip für das Python von QGIS aus, mit den Versionen, mit denen dieses Plugin getestet ist, und installiert in einen Ordner des Plugins (die eigenen Pakete von QGIS werden nicht verändert).</translation>
    </message>
    <message>
      <source>Cancel installation</source>
      <translation>Installation abbrechen</translation>
    </message>
    <message>
      <source>An NVIDIA driver was found. Install the CUDA build of torch (runs the networks on the GPU; a download of about 2.5 GB) instead of the CPU build (about 200 MB)?</source>
      <translation>Ein NVIDIA-Treiber wurde gefunden. Die CUDA-Version von torch (führt die Netze auf der GPU aus; ein Download von etwa 2,5 GB) anstelle der CPU-Version (etwa 200 MB) installieren?</translation>
    </message>
    <message>
      <source>Install with pip, from the internet, into</source>
      <translation>Mit pip aus dem Internet installieren nach</translation>
    </message>
    <message>
      <source>(torch: {build} build)</source>
      <translation>(torch: {build}-Build)</translation>
    </message>
    <message>
      <source>{name} cannot be imported</source>
      <translation>{name} kann nicht importiert werden</translation>
    </message>
    <message>
      <source>Needed for {purpose}.</source>
      <translation>Benötigt für {purpose}.</translation>
    </message>
    <message>
      <source>Install:</source>
      <translation>Installieren:</translation>
    </message>
    <message>
      <source>Found: {packages}. Restart QGIS after installing.</source>
      <translation>Gefunden: {packages}. Starten Sie QGIS nach der Installation neu.</translation>
    </message>
    <message>
      <source>Where the networks (seq2point, seq2seq) run. Saved in the QGIS settings; DEVICE=auto in the Processing algorithms uses this choice.</source>
      <translation>Wo die Netze (seq2point, seq2seq) ausgeführt werden. Wird in den QGIS-Einstellungen gespeichert; DEVICE=auto in den Verarbeitungsalgorithmen verwendet diese Auswahl.</translation>
    </message>
    <message>
      <source>Automatic</source>
      <translation>Automatisch</translation>
    </message>
    <message>
      <source>The most CPU threads torch may use. Fewer threads keep QGIS responsive while a network runs on the CPU.</source>
      <translation>Die höchste Anzahl an CPU-Threads, die torch verwenden darf. Weniger Threads halten QGIS reaktionsfähig, während ein Netz auf der CPU läuft.</translation>
    </message>
    <message>
      <source>Device</source>
      <translation>Gerät</translation>
    </message>
    <message>
      <source>Torch threads</source>
      <translation>Torch-Threads</translation>
    </message>
    <message>
      <source>Last run</source>
      <translation>Letzter Lauf</translation>
    </message>
    <message>
      <source>{device} (not available here)</source>
      <translation>{device} (hier nicht verfügbar)</translation>
    </message>
    <message>
      <source>saved in the settings but not found on this machine</source>
      <translation>in den Einstellungen gespeichert, aber auf diesem Rechner nicht gefunden</translation>
    </message>
    <message>
      <source>a network</source>
      <translation>ein Netz</translation>
    </message>
    <message>
      <source>, asked for {device}</source>
      <translation>, angefordert: {device}</translation>
    </message>
    <message>
      <source>nothing has run yet</source>
      <translation>bisher wurde nichts ausgeführt</translation>
    </message>
    <message>
      <source>The saved device '{device}' is not available on this machine: runs that use it will stop with an error. Choose another device.</source>
      <translation>Das gespeicherte Gerät '{device}' ist auf diesem Rechner nicht verfügbar: Läufe, die es verwenden, brechen mit einem Fehler ab. Wählen Sie ein anderes Gerät.</translation>
    </message>
    <message>
      <source>{label}: estimated RMSE {rmse:.3f}</source>
      <translation>{label}: geschätzter RMSE {rmse:.3f}</translation>
    </message>
    <message>
      <source>(gap filler alone {rmse:.3f})</source>
      <translation>(Lückenfüller allein {rmse:.3f})</translation>
    </message>
    <message>
      <source>on {pixels:,} held-out clear pixels.</source>
      <translation>auf {pixels:,} zurückgehaltenen klaren Pixeln.</translation>
    </message>
    <message>
      <source>Region of interest</source>
      <translation>Interessengebiet (ROI)</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>Aktualisieren</translation>
    </message>
    <message>
      <source>Read the project's raster layers again.</source>
      <translation>Die Raster-Layer des Projekts erneut einlesen.</translation>
    </message>
    <message>
      <source>Cloud % in ROI</source>
      <translation>Wolken-% im ROI</translation>
    </message>
    <message>
      <source>Read the cloud masks inside the ROI only and show each date's cloud percentage (needs rasterio).</source>
      <translation>Die Wolkenmasken nur innerhalb des Interessengebiets (ROI) lesen und den Wolkenanteil jedes Aufnahmedatums anzeigen (benötigt rasterio).</translation>
    </message>
    <message>
      <source>All</source>
      <translation>Alle</translation>
    </message>
    <message>
      <source>None</source>
      <translation>Keine</translation>
    </message>
    <message>
      <source>Check every Sentinel-2, Sentinel-1 and mask layer.</source>
      <translation>Alle Sentinel-2-, Sentinel-1- und Masken-Layer anhaken.</translation>
    </message>
    <message>
      <source>Uncheck every layer.</source>
      <translation>Haken bei allen Layern entfernen.</translation>
    </message>
    <message>
      <source>Time series</source>
      <translation>Zeitreihe</translation>
    </message>
    <message>
      <source>Run</source>
      <translation>Ausführen</translation>
    </message>
    <message>
      <source>The series is read when the panel is shown.</source>
      <translation>Die Zeitreihe wird gelesen, wenn das Bedienfeld angezeigt wird.</translation>
    </message>
    <message>
      <source>rasterio is missing: dates come from file names only.</source>
      <translation>rasterio fehlt: Aufnahmedaten werden nur aus den Dateinamen ermittelt.</translation>
    </message>
    <message>
      <source>No date for {layers}: they keep the layer order.</source>
      <translation>Kein Aufnahmedatum für {layers}: Diese behalten die Reihenfolge der Layer.</translation>
    </message>
    <message>
      <source>Cloud percentages need rasterio (see the top of the panel).</source>
      <translation>Wolkenanteile benötigen rasterio (siehe oben im Bedienfeld).</translation>
    </message>
    <message>
      <source>Cloud % of {layer}: {error}</source>
      <translation>Wolken-% von {layer}: {error}</translation>
    </message>
    <message>
      <source>The Processing plugin is not enabled: enable it in Plugins ▸ Manage and Install Plugins, or use 'Run in background'.</source>
      <translation>Die Processing-Erweiterung ist nicht aktiviert: Aktivieren Sie sie unter Erweiterungen ▸ Erweiterungen verwalten und installieren oder verwenden Sie 'Im Hintergrund ausführen'.</translation>
    </message>
    <message>
      <source>A run is in progress: wait for it or cancel it first.</source>
      <translation>Ein Lauf ist im Gange: Warten Sie, bis er beendet ist, oder brechen Sie ihn zuerst ab.</translation>
    </message>
    <message>
      <source>Running {n} job…</source>
      <translation>{n} Auftrag wird ausgeführt…</translation>
    </message>
    <message>
      <source>Running {n} jobs…</source>
      <translation>{n} Aufträge werden ausgeführt…</translation>
    </message>
    <message>
      <source>Cancelling…</source>
      <translation>Wird abgebrochen…</translation>
    </message>
    <message>
      <source>Done: {n} layer added to '{group}'.</source>
      <translation>Fertig: {n} Layer zu '{group}' hinzugefügt.</translation>
    </message>
    <message>
      <source>Done: {n} layers added to '{group}'.</source>
      <translation>Fertig: {n} Layer zu '{group}' hinzugefügt.</translation>
    </message>
    <message>
      <source>Cancelled.</source>
      <translation>Abgebrochen.</translation>
    </message>
    <message>
      <source>Failed: see the log below.</source>
      <translation>Fehlgeschlagen: siehe Protokoll unten.</translation>
    </message>
    <message>
      <source>Cloud mask (s2cloudless, Sen2Cor SCL or ukis-csmask)…</source>
      <translation>Wolkenmaske (s2cloudless, Sen2Cor-SCL oder ukis-csmask)…</translation>
    </message>
    <message>
      <source>Cloud masks of a time series…</source>
      <translation>Wolkenmasken einer Zeitreihe…</translation>
    </message>
    <message>
      <source>Least cloudy date…</source>
      <translation>Am wenigsten bewölktes Datum…</translation>
    </message>
    <message>
      <source>Mosaic of clear observations…</source>
      <translation>Mosaik klarer Beobachtungen…</translation>
    </message>
    <message>
      <source>Gap filling of a time series…</source>
      <translation>Lückenfüllung einer Zeitreihe…</translation>
    </message>
    <message>
      <source>Cloud removal: sequence-to-sequence…</source>
      <translation>Wolkenentfernung: Sequence-to-Sequence…</translation>
    </message>
    <message>
      <source>Cloud removal: sequence-to-point…</source>
      <translation>Wolkenentfernung: Sequence-to-Point…</translation>
    </message>
    <message>
      <source>Train the sequence-to-point network…</source>
      <translation>Sequence-to-Point-Netz trainieren…</translation>
    </message>
    <message>
      <source>Evaluate a prediction…</source>
      <translation>Eine Vorhersage bewerten…</translation>
    </message>
    <message>
      <source>Benchmark report of every method…</source>
      <translation>Vergleichsbericht aller Verfahren…</translation>
    </message>
    <message>
      <source>Generate a sample series…</source>
      <translation>Beispielzeitreihe erzeugen…</translation>
    </message>
    <message>
      <source>The Processing plugin is not enabled: enable it in Plugins ▸ Manage and Install Plugins, or run from the S2 CloudFree panel with 'Run in background'.</source>
      <translation>Die Processing-Erweiterung ist nicht aktiviert: Aktivieren Sie sie unter Erweiterungen ▸ Erweiterungen verwalten und installieren oder starten Sie den Lauf aus dem Bedienfeld S2 CloudFree mit 'Im Hintergrund ausführen'.</translation>
    </message>
    <message>
      <source>Installed {packages} into {folder}. Restart QGIS if a package was already imported before.</source>
      <translation>{packages} in {folder} installiert. Starten Sie QGIS neu, falls ein Paket bereits vorher importiert wurde.</translation>
    </message>
    <message>
      <source>Installation cancelled: nothing was installed.</source>
      <translation>Installation abgebrochen: Es wurde nichts installiert.</translation>
    </message>
    <message>
      <source>Installation failed: {error}</source>
      <translation>Installation fehlgeschlagen: {error}</translation>
    </message>
    <message>
      <source>S2 CloudFree panel</source>
      <translation>Bedienfeld S2 CloudFree</translation>
    </message>
    <message>
      <source>Show or hide the S2 CloudFree panel (ROI, time series, device, runs)</source>
      <translation>Bedienfeld S2 CloudFree ein- oder ausblenden (Interessengebiet, Zeitreihe, Gerät, Läufe)</translation>
    </message>
    <message>
      <source>Draw</source>
      <translation>Zeichnen</translation>
    </message>
    <message>
      <source>Drag a rectangle on the map (Esc or right click cancels).</source>
      <translation>Ziehen Sie ein Rechteck auf der Karte auf (Esc oder Rechtsklick bricht ab).</translation>
    </message>
    <message>
      <source>Map extent</source>
      <translation>Kartenausdehnung</translation>
    </message>
    <message>
      <source>Use what the map shows now.</source>
      <translation>Den aktuellen Kartenausschnitt verwenden.</translation>
    </message>
    <message>
      <source>Selection</source>
      <translation>Auswahl</translation>
    </message>
    <message>
      <source>The bounding box of the selected polygon(s) of the vector layer chosen below (or of the active layer).</source>
      <translation>Das umgebende Rechteck der ausgewählten Polygone des unten gewählten Vektorlayers (oder des aktiven Layers).</translation>
    </message>
    <message>
      <source>Clear</source>
      <translation>Leeren</translation>
    </message>
    <message>
      <source>No ROI: runs cover the whole first Sentinel-2 layer.</source>
      <translation>Kein Interessengebiet (ROI): Läufe umfassen den ganzen ersten Sentinel-2-Layer.</translation>
    </message>
    <message>
      <source>A layer whose extent (or selected features) gives the ROI.</source>
      <translation>Ein Layer, dessen Ausdehnung (oder dessen ausgewählte Objekte) das Interessengebiet (ROI) festlegt.</translation>
    </message>
    <message>
      <source>Layer extent</source>
      <translation>Layer-Ausdehnung</translation>
    </message>
    <message>
      <source>Choose a layer for its extent first.</source>
      <translation>Wählen Sie zuerst einen Layer, dessen Ausdehnung verwendet werden soll.</translation>
    </message>
    <message>
      <source>Select one or more polygons of a vector layer first (the layer chosen in the ROI section or the active layer).</source>
      <translation>Wählen Sie zuerst ein oder mehrere Polygone eines Vektorlayers aus (des im Abschnitt Interessengebiet (ROI) gewählten Layers oder des aktiven Layers).</translation>
    </message>
    <message>
      <source>no Sentinel-2 layer checked, so no reference grid yet</source>
      <translation>kein Sentinel-2-Layer angehakt, daher noch kein Referenzraster</translation>
    </message>
    <message>
      <source>{size} pixels, {crs}</source>
      <translation>{size} Pixel, {crs}</translation>
    </message>
    <message>
      <source>no CRS</source>
      <translation>kein KBS</translation>
    </message>
    <message>
      <source>outside the reference layer</source>
      <translation>außerhalb des Referenz-Layers</translation>
    </message>
    <message>
      <source>&lt;b&gt;{cols} × {rows} px&lt;/b&gt; of the reference grid ({grid})</source>
      <translation>&lt;b&gt;{cols} × {rows} px&lt;/b&gt; des Referenzrasters ({grid})</translation>
    </message>
    <message>
      <source>Whole first Sentinel-2 layer: {size}</source>
      <translation>Ganzer erster Sentinel-2-Layer: {size}</translation>
    </message>
    <message>
      <source>No ROI; {size}</source>
      <translation>Kein Interessengebiet (ROI); {size}</translation>
    </message>
    <message>
      <source>ROI in {crs}, {source}</source>
      <translation>Interessengebiet (ROI) in {crs}, {source}</translation>
    </message>
    <message>
      <source>Open the dialog</source>
      <translation>Dialog öffnen</translation>
    </message>
    <message>
      <source>Open the algorithm's Processing dialog with the series, masks, ROI and device filled in: check, change, run.</source>
      <translation>Den Processing-Dialog des Algorithmus mit eingetragener Zeitreihe, Masken, Interessengebiet (ROI) und Gerät öffnen: prüfen, ändern, ausführen.</translation>
    </message>
    <message>
      <source>Run in background</source>
      <translation>Im Hintergrund ausführen</translation>
    </message>
    <message>
      <source>Run at once as a QGIS task (progress below, Cancel stops it); results go to the group 'S2 CloudFree results'.</source>
      <translation>Sofort als QGIS-Aufgabe ausführen (Fortschritt unten, Abbrechen stoppt sie); die Ergebnisse kommen in die Gruppe 'S2 CloudFree results'.</translation>
    </message>
    <message>
      <source>temporary files</source>
      <translation>temporäre Dateien</translation>
    </message>
    <message>
      <source>Folder for the outputs of background runs (empty: temporary files).</source>
      <translation>Ordner für die Ausgaben von Hintergrundläufen (leer: temporäre Dateien).</translation>
    </message>
    <message>
      <source>All files</source>
      <translation>Alle Dateien</translation>
    </message>
    <message>
      <source>Checkpoints</source>
      <translation>Checkpoints</translation>
    </message>
    <message>
      <source>seq2point checkpoint (.pt) or registry name</source>
      <translation>seq2point-Checkpoint (.pt) oder Registry-Name</translation>
    </message>
    <message>
      <source>Outputs</source>
      <translation>Ausgaben</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>Modell</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <source>The log of background runs (device used, dates, progress) shows here.</source>
      <translation>Das Protokoll der Hintergrundläufe (verwendetes Gerät, Aufnahmedaten, Fortschritt) wird hier angezeigt.</translation>
    </message>
    <message>
      <source>s2cloudless cloud masks of the checked Sentinel-2 dates (L1C), one per date, for the ROI. The masks are added to the series for the next runs.</source>
      <translation>s2cloudless-Wolkenmasken der angehakten Sentinel-2-Aufnahmedaten (L1C), eine je Aufnahmedatum, für das Interessengebiet (ROI). Die Masken werden für die nächsten Läufe zur Zeitreihe hinzugefügt.</translation>
    </message>
    <message>
      <source>Least cloudy</source>
      <translation>Am wenigsten bewölkt</translation>
    </message>
    <message>
      <source>The checked date with the fewest clouds in the ROI, unchanged.</source>
      <translation>Das angehakte Aufnahmedatum mit den wenigsten Wolken im Interessengebiet (ROI), unverändert.</translation>
    </message>
    <message>
      <source>Per pixel, the mean of the clear observations of the checked dates.</source>
      <translation>Je Pixel der Mittelwert der klaren Beobachtungen der angehakten Aufnahmedaten.</translation>
    </message>
    <message>
      <source>Sequence-to-sequence internal learning: a cloud-free version of every checked date, from a network trained on the series itself (driven by Sentinel-1 or noise).</source>
      <translation>Sequence-to-Sequence, internes Lernen: eine wolkenfreie Version jedes angehakten Aufnahmedatums, erzeugt von einem Netz, das auf der Zeitreihe selbst trainiert wird (gespeist aus Sentinel-1 oder Rauschen).</translation>
    </message>
    <message>
      <source>CR-TS Net: one cloud-free image from the checked dates (and Sentinel-1), with a trained model.</source>
      <translation>CR-TS Net: ein wolkenfreies Bild aus den angehakten Aufnahmedaten (und Sentinel-1), mit einem trainierten Modell.</translation>
    </message>
    <message>
      <source>check at least one Sentinel-2 layer</source>
      <translation>mindestens einen Sentinel-2-Layer anhaken</translation>
    </message>
    <message>
      <source>needs one cloud mask per checked date (missing for {dates}): run Cloud masks first</source>
      <translation>benötigt eine Wolkenmaske je angehaktem Aufnahmedatum (fehlt für {dates}): zuerst Wolkenmasken ausführen</translation>
    </message>
    <message>
      <source>needs one cloud mask per checked date: run Cloud masks first</source>
      <translation>benötigt eine Wolkenmaske je angehaktem Aufnahmedatum: zuerst Wolkenmasken ausführen</translation>
    </message>
    <message>
      <source>needs Sentinel-1 layers</source>
      <translation>benötigt Sentinel-1-Layer</translation>
    </message>
    <message>
      <source>{algorithm} is not available in this version of the plugin.</source>
      <translation>{algorithm} ist in dieser Version des Plugins nicht verfügbar.</translation>
    </message>
    <message>
      <source>{run} needs the Python package '{package}' (see the top of the panel).</source>
      <translation>{run} benötigt das Python-Paket '{package}' (siehe oben im Bedienfeld).</translation>
    </message>
    <message>
      <source>The checked masks do not cover every date (missing for {dates}), so none are passed and the algorithm computes cloud masks itself.</source>
      <translation>Die angehakten Masken decken nicht jedes Aufnahmedatum ab (fehlend für {dates}), daher werden keine übergeben und der Algorithmus berechnet die Wolkenmasken selbst.</translation>
    </message>
    <message>
      <source>No cloud masks are checked: the algorithm computes them itself.</source>
      <translation>Keine Wolkenmasken angehakt: Der Algorithmus berechnet sie selbst.</translation>
    </message>
    <message>
      <source>{run} needs {names}: set it here or use 'Open the dialog'.</source>
      <translation>{run} benötigt {names}: Legen Sie es hier fest oder verwenden Sie 'Dialog öffnen'.</translation>
    </message>
    <message>
      <source>{n} Sentinel-2 date</source>
      <translation>{n} Sentinel-2-Aufnahmedatum</translation>
    </message>
    <message>
      <source>{n} Sentinel-2 dates</source>
      <translation>{n} Sentinel-2-Aufnahmedaten</translation>
    </message>
    <message>
      <source>, {first} to {last}</source>
      <translation>, {first} bis {last}</translation>
    </message>
    <message>
      <source>{n} masks</source>
      <translation>{n} Masken</translation>
    </message>
    <message>
      <source>{n} masks (not one per date)</source>
      <translation>{n} Masken (nicht eine je Aufnahmedatum)</translation>
    </message>
    <message>
      <source>no masks</source>
      <translation>keine Masken</translation>
    </message>
    <message>
      <source>{n} Sentinel-1</source>
      <translation>{n} Sentinel-1</translation>
    </message>
    <message>
      <source>Not used</source>
      <translation>Nicht verwendet</translation>
    </message>
    <message>
      <source>Date</source>
      <translation>Datum</translation>
    </message>
    <message>
      <source>Layer</source>
      <translation>Layer</translation>
    </message>
    <message>
      <source>Cloud</source>
      <translation>Wolken</translation>
    </message>
    <message>
      <source>From</source>
      <translation>Von</translation>
    </message>
    <message>
      <source>Share of the ROI that is not clear in the date's cloud mask (cloud, shadow or nodata); computed on demand.</source>
      <translation>Anteil des Interessengebiets (ROI), der in der Wolkenmaske des Aufnahmedatums nicht klar ist (Wolke, Schatten oder NoData); wird bei Bedarf berechnet.</translation>
    </message>
    <message>
      <source>Where the date was found: file name or GDAL metadata.</source>
      <translation>Wo das Datum gefunden wurde: Dateiname oder GDAL-Metadaten.</translation>
    </message>
    <message>
      <source>No cloud mask of this date is checked.</source>
      <translation>Für dieses Aufnahmedatum ist keine Wolkenmaske angehakt.</translation>
    </message>
  </context>
</TS>
