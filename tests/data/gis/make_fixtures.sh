#!/usr/bin/env bash
# The GIS fixtures of tests/gis.rs: the bundled parcels and sensitive areas converted by GDAL
# (ogr2ogr 3.6, Debian's gdal-bin) the way planning offices' files come. Run from the crate
# folder: bash tests/data/gis/make_fixtures.sh
set -euo pipefail
D=tests/data/gis
rm -f $D/parcels-4549-gbk.* $D/lingkun-4490.gpkg $D/parcels-4528.geojson $D/sensitive-4528.geojson
# Shapefile in CGCS2000 / 3-degree Gauss-Kruger CM 120E, GBK attribute table (.cpg written by
# GDAL), Chinese field names and values.
ogr2ogr -f "ESRI Shapefile" $D/parcels-4549-gbk.shp parcels/lingkun.geojson -t_srs EPSG:4549 \
  -lco ENCODING=GBK -nln parcels-4549-gbk -dialect SQLite -sql "SELECT geometry,
    id AS 地块编号,
    CASE land_use WHEN 'M1' THEN '一类工业用地' WHEN 'M2' THEN '二类工业用地' ELSE '三类工业用地' END AS 用地性质,
    CASE status WHEN 'available' THEN '可用' WHEN 'occupied' THEN '已出让' ELSE '预留' END AS 状态,
    cluster AS 产业组团, occupant AS 使用单位, max_far AS 容积率上限, name AS 名称 FROM lingkun"
# GeoPackage in CGCS2000 geographic, parcels and sensitive areas (kinds in Chinese) as two layers.
ogr2ogr -f GPKG $D/lingkun-4490.gpkg parcels/lingkun.geojson -t_srs EPSG:4490 -nln parcels
ogr2ogr -update -f GPKG $D/lingkun-4490.gpkg parcels/lingkun-sensitive.geojson -t_srs EPSG:4490 \
  -nln sensitive -dialect SQLite -sql "SELECT geometry, id AS 编号, name AS 名称,
    CASE kind WHEN 'residential' THEN '居住区' WHEN 'school' THEN '学校' WHEN 'hospital' THEN '医院'
      WHEN 'wetland' THEN '湿地' ELSE '水源地' END AS 类型 FROM \"lingkun-sensitive\""
# GeoJSON in CGCS2000 / 3-degree Gauss-Kruger zone 40 (zone number in the easting): GDAL writes
# the crs member.
ogr2ogr -f GeoJSON $D/parcels-4528.geojson parcels/lingkun.geojson -t_srs EPSG:4528 -lco COORDINATE_PRECISION=4
ogr2ogr -f GeoJSON $D/sensitive-4528.geojson parcels/lingkun-sensitive.geojson -t_srs EPSG:4528 -lco COORDINATE_PRECISION=4
