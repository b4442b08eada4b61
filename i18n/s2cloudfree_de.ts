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
      <source>Least cloudy image</source>
      <translation>Am wenigsten bewölktes Bild</translation>
    </message>
    <message>
      <source>Index of the selected layer (0-based)</source>
      <translation>Index des gewählten Layers (ab 0)</translation>
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
  </context>
</TS>
